package compliance

import (
	"strings"
	"testing"
)

// callFacts is one call's variables, as a campaign hands them to the robot.
var callFacts = map[string]any{
	"debtor":   map[string]any{"name": "Иванов Иван Иванович", "first_name": "Иван"},
	"creditor": map[string]any{"name": "ООО «Альфа Финанс»"},
	"debt":     map[string]any{"amount": 12345.50, "due": "2026-01-15"},
}

func TestMentionsDebt(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		// the debt in its Russian forms
		{"У вас долг", true},
		{"Сумма вашего долга", true},
		{"по долгу перед банком", true},
		{"Ваша задолженность", true},
		{"о задолженности по договору", true},
		{"У вас просрочка", true},
		{"платёж просрочен", true},
		{"просроченный платёж", true},
		{"по вашему займу", true},
		{"по вашему заёму", true},
		{"о микрозайме", true},
		{"Кредитная карта", true},
		{"Это коллекторское агентство", true},
		{"Когда вы сможете погасить", true},
		{"Погашение сегодня", true},
		{"Предлагаем рассрочку", true},
		{"ВЗЫСКАНИЕ", true},
		// a sum of money in digits, written any way
		{"Сумма 12 345 руб.", true},
		{"к оплате 12 345,50 ₽", true},
		{"всего 500 рублей", true},
		{"всего 500 р. 20 коп", true},
		{"12,345.50 RUB", true},
		// neutral phrases
		{"Здравствуйте!", false},
		{"Это автоматический звонок, с вами говорит робот-помощник.", false},
		{"Пожалуйста, перезвоните по номеру, с которого вам звонили.", false},
		{"Перезвоните нам по номеру 8 800 555 35 35", false},
		{"Звонок записывается", false},
		{"До свидания", false},
		{"Вы должны были получить письмо", false}, // "должны" is "must", not a debt word
		{"Позвоните в 10:30", false},
	}
	for _, tt := range tests {
		if got := MentionsDebt(tt.text); got != tt.want {
			t.Errorf("MentionsDebt(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestConfidentialFromVars(t *testing.T) {
	c := ConfidentialFromVars(map[string]any{
		"debtor":          map[string]any{"name": "Петров Пётр", "first_name": "Пётр", "blank": " "},
		"creditor.name":   "Бета Банк",
		"debt":            map[string]any{"amount": 1500.25, "fee": 300, "principal": "12 000,50", "contract": "КД-77", "due": "2026-01-15"},
		"debt.penalty":    int64(42),
		"debtors_friends": "Сидоров", // not under "debtor"
	})
	if got := strings.Join(c.Debtors, ","); !strings.Contains(got, "Петров Пётр") || !strings.Contains(got, "Пётр") || strings.Contains(got, "Сидоров") || len(c.Debtors) != 2 {
		t.Errorf("Debtors = %q", c.Debtors)
	}
	if len(c.Creditors) != 1 || c.Creditors[0] != "Бета Банк" {
		t.Errorf("Creditors = %q, want the dotted key's value", c.Creditors)
	}
	want := map[int64]bool{150025: true, 30000: true, 1200050: true, 4200: true}
	if len(c.Amounts) != len(want) {
		t.Fatalf("Amounts = %v, want %v (dates and contract numbers are not amounts)", c.Amounts, want)
	}
	for _, a := range c.Amounts {
		if !want[a] {
			t.Errorf("unexpected amount %d in %v", a, c.Amounts)
		}
	}
}

func TestSensitive(t *testing.T) {
	c := ConfidentialFromVars(callFacts)
	tests := []struct {
		text string
		want Disclosure
	}{
		{"Звоню по поручению компании Альфа Финанс.", DisclosesCreditor},
		{"Компания альфа финанс", DisclosesCreditor},
		{"Вам звонят из Альфа-Финанса", DisclosesCreditor},
		{"Это АЛЬФА", DisclosesCreditor},
		{"У вас просрочка", DisclosesDebt},
		{"Сумма 12 345,50", DisclosesAmount},
		{"Сумма 12345.50", DisclosesAmount},
		{"Сумма 12,345.50", DisclosesAmount},
		{"Сумма 12\u00a0345", DisclosesAmount}, // whole roubles, no-break space
		{"Сумма 12345", DisclosesAmount},
		{"Назовите 300 рублей", DisclosesAmount}, // any sum of money
		// not sensitive
		{"Здравствуйте!", ""},
		{"Скажите, пожалуйста, я говорю с Иваном Ивановичем?", ""}, // the identity check names the debtor
		{"Перезвоните по номеру 8 800 555 35 35", ""},
		{"Сумма 12 346", ""},
		{"До свидания", ""},
		{"Алло, вы меня слышите?", ""},
		{"Ставка финансирования", ""}, // starts like "Финанс" but is no case form of it
	}
	for _, tt := range tests {
		got, _ := c.Sensitive(tt.text)
		if got != tt.want {
			t.Errorf("Sensitive(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestCheckNeutralMessage(t *testing.T) {
	c := ConfidentialFromVars(callFacts)
	tests := []struct {
		msg     string
		wantErr string
	}{
		{"Это сообщение для {debtor.first_name}", "variables"},
		{"Перезвоните по поводу задолженности", "mentions the debt"},
		{"Перезвоните, долг 12 345,50", "mentions the debt"},
		{"Вам нужно внести 12 345,50", "mentions the debt amount"},
		{"Вам звонили из компании Альфа, перезвоните", "names the creditor"},
		{"Иван, перезвоните нам", "names the debtor"},
		{"Сообщение для Ивана Ивановича", "names the debtor"},
		{"Это для Иванова", "names the debtor"},
	}
	for _, tt := range tests {
		err := c.CheckNeutralMessage(tt.msg)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("CheckNeutralMessage(%q) = %v, want an error containing %q", tt.msg, err, tt.wantErr)
		}
	}
	// neutral messages pass, for debtors and creditors whose names look
	// like ordinary words
	neutral := []string{
		"Здравствуйте. Это автоматическое сообщение. Пожалуйста, перезвоните по номеру, с которого вам звонили. Спасибо.",
		"Добрый день. Просим перезвонить по номеру 8 800 555 35 35.",
		"Вам звонили по важному вопросу. Перезвоните, пожалуйста.",
		"Это не реклама. Пожалуйста, перезвоните нам в рабочее время.",
	}
	people := []Confidential{
		c,
		ConfidentialFromVars(map[string]any{"debtor": map[string]any{"name": "Номеров Спас Ким"}, "creditor": "МФК «Деньги сразу»"}),
		ConfidentialFromVars(map[string]any{"debtor": "Анна Звонарёва", "creditor": "ПАО Банк", "debt": 800}),
		{},
	}
	for _, msg := range neutral {
		for _, p := range people {
			if err := p.CheckNeutralMessage(msg); err != nil {
				t.Errorf("CheckNeutralMessage(%q) with %v: %v", msg, p, err)
			}
		}
	}
}

func TestMask(t *testing.T) {
	c := ConfidentialFromVars(map[string]any{
		"debtor": map[string]any{"name": "Иванов Иван Иванович", "first_name": "Иван"},
		"debt":   map[string]any{"amount": 500},
	})
	tests := []struct{ in, want string }{
		{`text "вы позвонили Ивану, оставьте сообщение" matches machine`, `text "вы позвонили ***, оставьте сообщение" matches machine`},
		{"это иванов слушаю", "это *** слушаю"},
		{"Иван Иванович у телефона", "*** *** у телефона"},
		{"перезвоните на 89161234567", "перезвоните на *********67"},
		{"сумма 12 345,50 рублей", "сумма ** ***,50 рублей"},
		{"сумма 500 рублей", "сумма *** рублей"},
		{"дом 12", "дом 12"},
		{"голосовой помощник Олег", "голосовой помощник Олег"},
	}
	for _, tt := range tests {
		if got := c.Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := (Confidential{}).Mask("Иван, 89161234567"); got != "Иван, *********67" {
		t.Errorf("Mask without names = %q", got)
	}
}

func TestNameStemsCoverCaseForms(t *testing.T) {
	tests := []struct {
		name  string
		forms []string
	}{
		{"Анна", []string{"Анна", "Анны", "Анне", "Анну", "Анной"}},
		{"Павел", []string{"Павел", "Павла", "Павлу", "Павлом"}},
		{"Игорь", []string{"Игорь", "Игоря", "Игорю"}},
		{"Пётр", []string{"Петра", "Пётр", "Петру"}},
		{"Андрей", []string{"Андрей", "Андрея", "Андреем"}},
		{"Альфа-Банк", []string{"Альфы", "банка"}},
		{"Достоевский", []string{"Достоевский", "Достоевского", "Достоевским"}},
		{"Иванова Мария", []string{"Ивановой", "Марии", "Марией"}},
	}
	for _, tt := range tests {
		for _, f := range tt.forms {
			if _, ok := nameIn(f, []string{tt.name}); !ok {
				t.Errorf("%q is not found as a form of %q", f, tt.name)
			}
		}
	}
	for _, w := range []string{"Спасибо", "Ивановка", "финансирование", "анализ"} {
		if f, ok := nameIn(w, []string{"Спас Иванов Анна Финанс"}); ok {
			t.Errorf("%q is taken for a form of a name (%q)", w, f)
		}
	}
	if st := nameStems([]string{"ООО «Ян»"}); len(st) != 0 {
		t.Errorf("nameStems keeps legal forms or two-letter words: %q", st)
	}
}

func TestDialogueZone(t *testing.T) {
	tests := []struct{ region, want string }{
		{"Новосибирская область", "Asia/Novosibirsk"},
		{"г. Москва", "Europe/Moscow"},
		{"Калининградская обл.", "Europe/Kaliningrad"},
		{"Республика Саха (Якутия)", "Asia/Yakutsk"}, // spans zones: the westernmost, as the guard shows it
		{"", "Europe/Moscow"}, // unknown: Moscow, not Kaliningrad
		{"Российская Федерация", "Europe/Moscow"},
		{"Атлантида", "Europe/Moscow"},
	}
	for _, tt := range tests {
		if got := DialogueZone(tt.region).String(); got != tt.want {
			t.Errorf("DialogueZone(%q) = %s, want %s", tt.region, got, tt.want)
		}
	}
}
