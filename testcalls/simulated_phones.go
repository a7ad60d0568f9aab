package testcalls

import "time"

// SimulatedPhone is one simulated debtor phone of `dozvon demo calls`, with
// the behaviour it shows the robot and the 230-FZ state it starts in.
type SimulatedPhone struct {
	ID, Name, First, Region, Phone string
	What                           string // what the phone does, for the table
	Behaviour                      Behaviour
	Block                          string // a standing 230-FZ block, if any
	SpokeToday                     bool   // a conversation already happened today
}

// SimulatedPhones is one phone per behaviour the robot must handle: a
// debtor who confirms, one who asks for a callback, a wrong number, a third
// party, keypad answers, a refusal, barge-in, a hang-up, silence, a voice
// assistant, voicemail, busy, no answer, a blocked debtor and one already
// spoken to today.
func SimulatedPhones() []SimulatedPhone {
	ring := 800 * time.Millisecond
	return []SimulatedPhone{
		{ID: "D-1001", Name: "Иванов Иван Иванович", First: "Иван", Region: "г. Москва", Phone: "+79161110001",
			What: "confirms, has time", Behaviour: Behaviour{Ring: ring, Steps: Says("да, это я", "да, удобно")}},
		{ID: "D-1002", Name: "Петрова Анна Сергеевна", First: "Анна", Region: "Новосибирская область", Phone: "+79131110002",
			What: "busy, call back tomorrow 10", Behaviour: Behaviour{Ring: ring, Steps: Says("да, я", "я сейчас занята", "перезвоните завтра в десять утра")}},
		{ID: "D-1003", Name: "Сидоров Пётр Петрович", First: "Пётр", Region: "Калининградская область", Phone: "+79011110003",
			What: "wrong number", Behaviour: Behaviour{Ring: ring, Steps: Says("нет, вы ошиблись номером")}},
		{ID: "D-1004", Name: "Кузнецов Олег Викторович", First: "Олег", Region: "Свердловская область", Phone: "+79221110004",
			What: "wife answers", Behaviour: Behaviour{Ring: ring, Steps: Says("нет, это его жена, его нет дома")}},
		{ID: "D-1005", Name: "Смирнова Мария Ивановна", First: "Мария", Region: "Камчатский край", Phone: "+79141110005",
			What: "keypad: 1, 1", Behaviour: Behaviour{Ring: ring, Steps: []Step{{DTMF: "1"}, {DTMF: "1"}}}},
		{ID: "D-1006", Name: "Попов Андрей Николаевич", First: "Андрей", Region: "Республика Татарстан", Phone: "+79171110006",
			What: "stop calling me", Behaviour: Behaviour{Ring: ring, Steps: Says("перестаньте мне звонить")}},
		{ID: "D-1007", Name: "Волков Сергей Андреевич", First: "Сергей", Region: "Приморский край", Phone: "+79241110007",
			// the opening (disclosure) cannot be interrupted; this caller talks over the question that follows it
			What: "talks over the question", Behaviour: Behaviour{Ring: ring, Steps: []Step{{Interrupt: "да, это я", After: 11500 * time.Millisecond}, {Say: "да"}}}},
		{ID: "D-1008", Name: "Соколова Елена Павловна", First: "Елена", Region: "Ростовская область", Phone: "+79281110008",
			What: "hangs up mid-prompt", Behaviour: Behaviour{Ring: ring, Steps: []Step{{HangupAfter: 1500 * time.Millisecond}}}},
		{ID: "D-1013", Name: "Егоров Максим Романович", First: "Максим", Region: "Челябинская область", Phone: "+79511110013",
			What: "stays silent", Behaviour: Behaviour{Ring: ring, Steps: []Step{{Silence: time.Minute}}}},
		{ID: "D-1014", Name: "Белов Кирилл Антонович", First: "Кирилл", Region: "Тюменская область", Phone: "+79821110014",
			What: "voice assistant answers", Behaviour: Behaviour{Ring: ring, Greeting: "Здравствуйте, я голосовой помощник Олег. Представьтесь, пожалуйста, и скажите, что передать?"}},
		{ID: "D-1015", Name: "Зайцева Нина Фёдоровна", First: "Нина", Region: "Воронежская область", Phone: "+79521110015",
			What: "voicemail", Behaviour: Behaviour{Ring: ring, Greeting: "Абонент не может ответить. Оставьте сообщение после сигнала."}},
		{ID: "D-1009", Name: "Михайлов Денис Олегович", First: "Денис", Region: "Краснодарский край", Phone: "+79181110009",
			What: "line busy (486)", Behaviour: Behaviour{Ring: 300 * time.Millisecond, Reject: 486}},
		{ID: "D-1010", Name: "Новиков Артём Ильич", First: "Артём", Region: "Омская область", Phone: "+79081110010",
			What: "no answer", Behaviour: Behaviour{NoAnswer: true}},
		{ID: "D-1011", Name: "Фёдоров Игорь Львович", First: "Игорь", Region: "Самарская область", Phone: "+79271110011",
			What: "bankrupt (blocked)", Block: "bankruptcy", Behaviour: Behaviour{Ring: ring, Steps: Says("да")}},
		{ID: "D-1012", Name: "Морозова Ольга Юрьевна", First: "Ольга", Region: "Иркутская область", Phone: "+79501110012",
			What: "already spoken today", SpokeToday: true, Behaviour: Behaviour{Ring: ring, Steps: Says("да")}},
	}
}
