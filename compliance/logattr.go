package compliance

import "log/slog"

// MaskPhoneAttrs is a slog ReplaceAttr that masks the attributes which carry
// a phone number as a plain string (phone, to, from, number): numbers typed
// as phonenum.Number mask themselves, strings need the handler's help.
func MaskPhoneAttrs(_ []string, a slog.Attr) slog.Attr {
	switch a.Key {
	case "phone", "to", "from", "number":
		return slog.String(a.Key, MaskPhone(a.Value.String()))
	}
	return a
}
