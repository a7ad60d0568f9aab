package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/phonenum"
)

// view is what every page template gets.
type view struct {
	Title string
	P     auth.Principal
	Nav   string // the current section, for aria-current
	Data  any
}

// Manager says whether the principal sees the console's sections.
func (v view) Manager() bool { return v.P.Role == auth.Admin || v.P.Role == auth.Supervisor }

// Admin says whether the principal manages users.
func (v view) Admin() bool { return v.P.Role == auth.Admin }

// outcomeLabels are the outcomes in Russian, as a collector says them.
var outcomeLabels = map[string]string{
	"identified":     "Должник подтверждён",
	"wrong_person":   "Не тот человек",
	"third_party":    "Ответил другой человек",
	"callback":       "Перезвонить",
	"promise_to_pay": "Готов платить",
	"promise":        "Обещал заплатить",
	"restructuring":  "Просит реструктуризацию",
	"meeting":        "Встреча",
	"refused":        "Отказ от общения",
	"transfer":       "Переведён на оператора",
	"no_input":       "Молчание",
	"unrecognized":   "Не распознано",
	"hangup":         "Положил трубку",
	"assistant":      "Голосовой помощник",
	"machine":        "Автоответчик",
	"failed":         "Ошибка звонка",
	"busy":           "Занято",
	"none":           "Без результата",
}

// stateLabels are a campaign's states in Russian.
var stateLabels = map[string]string{"active": "идёт", "paused": "на паузе", "stopped": "остановлена", "done": "завершена"}

func stateLabel(s string) string {
	if l, ok := stateLabels[s]; ok {
		return l
	}
	return s
}

// reasonLabels are the 230-FZ guard's reasons in Russian.
var reasonLabels = map[string]string{
	"blocked":                "номер или должник заблокирован",
	"third_party_no_consent": "третье лицо без согласия",
	"window":                 "неразрешённое время суток",
	"unknown_timezone":       "неизвестен часовой пояс",
	"limit_day":              "лимит за сутки исчерпан",
	"limit_week":             "лимит за неделю исчерпан",
	"limit_month":            "лимит за месяц исчерпан",
	"attempts":               "попытки исчерпаны",
}

// reasonLabel says reason codes ("window,limit_day" as the scheduler
// writes them) in Russian.
func reasonLabel(codes string) string {
	parts := strings.Split(codes, ",")
	for i, c := range parts {
		if l, ok := reasonLabels[strings.TrimSpace(c)]; ok {
			parts[i] = l
		}
	}
	return strings.Join(parts, ", ")
}

// outcomes are the outcome filter's choices, in the order shown.
var outcomes = []string{"identified", "wrong_person", "callback", "promise_to_pay", "restructuring", "meeting", "refused", "no_input", "hangup", "assistant", "machine", "failed"}

func outcomeLabel(o string) string {
	if l, ok := outcomeLabels[o]; ok {
		return l
	}
	return o
}

// parseTemplates parses the layout with each page, one set per page.
func parseTemplates(loc *time.Location) (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"mask":     phonenum.Mask,
		"maskText": events.MaskNumbers, // a debtor may dictate a number: never shown whole
		"outcome":  outcomeLabel,
		"reason":   reasonLabel,
		"state":    stateLabel,
		// the same labels for the script's live updates (it has none of its own)
		"labels": func() map[string]map[string]string {
			return map[string]map[string]string{"outcomes": outcomeLabels, "reasons": reasonLabels}
		},
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(loc).Format("02.01.2006 15:04")
		},
		"iso": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"sortedKeys": func(m map[string]int) []string {
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			return keys
		},
	}
	base, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	out := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, f)
		if err != nil {
			return nil, fmt.Errorf("web: templates: %w", err)
		}
		out[name] = t
	}
	return out, nil
}

// render writes page name (its "page" template, or "fragment" for a part a
// script swaps in) with status; the page is built in memory first, so a
// template error is a clean 500, not half a page.
func (h *Handler) render(w http.ResponseWriter, status int, name string, v view) {
	h.renderAs(w, status, name, "page", v)
}

func (h *Handler) renderAs(w http.ResponseWriter, status int, name, tmpl string, v view) {
	t, ok := h.tmpl[name]
	var buf bytes.Buffer
	if !ok {
		h.log.Error("web: no template", "name", name)
		http.Error(w, "Внутренняя ошибка", http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&buf, tmpl, v); err != nil {
		h.log.Error("web: template", "name", name, "err", err)
		http.Error(w, "Внутренняя ошибка", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes()) // the status is sent; a client gone has nothing left to tell
}
