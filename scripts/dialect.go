package scripts

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Callers mix Russian with Ukrainian (surzhyk), Belarusian (trasianka) and
// Tatar words, and a recogniser prints them as heard. Rather than a phrase
// for every mixed sentence, the common words of those languages for the
// answers a script asks for (yes, no, now, later, call back, not here, wrong
// number, kin, money, days and hours) are read as their Russian words before
// anything else sees the text, so every phrase, the kin frames, the names and
// the time and money parsers understand them alike.

// dialectWords maps a whole lower-case word to its Russian word (or words;
// empty drops it). Keys keep their own letters (і, ї, є, ў): "обіду" is
// "обеда", while the same word with "и" is the Russian "обиду".
var dialectWords = map[string]string{
	// yes, no, not here
	"ні": "нет", "нi": "нет", "немає": "нет", "нема": "нет", "няма": "нет", "немa": "нет",
	"эйе": "да", "әйе": "да", "әйдә": "давай", "юк": "нет",
	// pronouns and particles
	"це": "это", "гэта": "это", "гэтa": "это", "його": "его", "яго": "его", "її": "ее", "яе": "ее",
	"він": "он", "ён": "он", "вона": "она", "яна": "она", "вони": "они", "яны": "они", "ви": "вы",
	"мене": "меня", "мені": "мне", "мяне": "меня", "хто": "кто", "що": "что",
	"чого": "что", "навіщо": "зачем", "нічого": "ничего", "ніяк": "никак", "ніколи": "никогда",
	"більше": "больше", "болей": "больше", "тільки": "только", "толькі": "только", "також": "тоже",
	"той": "тот", "вже": "уже", "ужо": "уже",
	// now, later, when
	"зараз": "сейчас", "цяпер": "сейчас", "потім": "потом", "пізніше": "позже", "пазней": "позже",
	"сьогодні": "сегодня", "сёння": "сегодня", "заўтра": "завтра", "післязавтра": "послезавтра",
	"ввечері": "вечером", "увечері": "вечером", "увечары": "вечером", "вечарам": "вечером", "вечора": "вечера",
	"вранці": "утром", "зранку": "утром", "раніцай": "утром", "ранку": "утра", "вдень": "днем",
	"після": "после", "пасля": "после", "обіду": "обеда", "обід": "обед", "абеду": "обеда", "абед": "обед",
	"годину": "час", "години": "часа", "годин": "часов", "гадзіну": "час", "хвилин": "минут",
	"хвилину": "минуту", "хвилинку": "минутку", "хвилиночку": "минуточку", "хвілінку": "минутку",
	"тиждень": "неделю", "тижні": "неделе", "тижня": "недели", "місяць": "месяц", "місяця": "месяца",
	"понеділок": "понедельник", "вівторок": "вторник", "середу": "среду", "четвер": "четверг",
	"пʼятницю": "пятницу", "пятніцу": "пятницу", "суботу": "субботу", "неділю": "воскресенье", "нядзелю": "воскресенье",
	// call, wait, speak
	"перетелефонуйте": "перезвоните", "передзвоніть": "перезвоните", "перезвоніть": "перезвоните",
	"перетелефонуєте": "перезвоните", "перазваніце": "перезвоните", "зателефонуйте": "позвоните",
	"подзвоніть": "позвоните", "пазваніце": "позвоните", "телефонуйте": "звоните", "дзвоніть": "звоните",
	"званіце": "звоните", "тэлефануйце": "звоните", "почекайте": "подождите", "зачекайте": "подождите",
	"стривайте": "подождите", "стривай": "погоди", "почекай": "погоди", "пачакайце": "подождите",
	"кажіть": "говорите", "кажите": "говорите", "кажи": "говори", "скажіть": "скажите", "кажы": "говори",
	"гаварыце": "говорите", "говоріть": "говорите", "говорити": "говорить", "розмовляти": "разговаривать",
	"можу": "могу", "магу": "могу", "можна": "можно", "можне": "можно", "треба": "надо", "трэба": "надо",
	"помилились": "ошиблись", "помилилися": "ошиблись", "памыліліся": "ошиблись",
	"шукаєте": "ищете", "шукаю": "ищу", "сказав": "сказал",
	"зустрітися": "встретиться", "зустрітись": "встретиться", "зустріч": "встреча", "зустрічі": "встречи",
	"працівником": "сотрудником", "працівник": "сотрудник",
	// people
	"дружина": "жена", "жонка": "жена", "чоловік": "муж", "донька": "дочь",
	"син": "сын", "тато": "папа", "сусідка": "соседка", "сусід": "сосед", "суседка": "соседка", "сусед": "сосед",
	"онук": "внук", "онука": "внучка", "невістка": "невестка", "улым": "сын", "кызым": "дочь",
	"әни": "мама", "әти": "папа", "апа": "", "абый": "",
	// work, money
	"роботі": "работе", "роботи": "работы", "роботы": "работы", "робота": "работа", "працы": "работе",
	"праца": "работа", "працую": "работаю", "грошей": "денег", "гроші": "деньги", "грошэй": "денег",
	"тисяч": "тысяч", "тисячі": "тысячи", "тисячу": "тысячу", "тысячы": "тысячи", "сума": "сумма",
	"суму": "сумму", "суми": "суммы", "віддам": "отдам", "сплачу": "заплачу",
	"пʼять": "пять", "дзесяць": "десять", "заробітках": "заработках", "лікарні": "больнице",
	"кермом": "рулем", "городі": "огороде", "базарі": "базаре",
}

// dialectHours are the Ukrainian and Belarusian feminine ordinals of an hour
// ("о третій", "а шостай"): with the preposition they name a clock hour.
var dialectHours = map[string]string{
	"першій": "час", "другій": "два", "третій": "три", "четвертій": "четыре", "пʼятій": "пять",
	"шостій": "шесть", "сьомій": "семь", "восьмій": "восемь", "девʼятій": "девять", "десятій": "десять",
	"одинадцятій": "одиннадцать", "дванадцятій": "двенадцать", "трэцяй": "три", "шостай": "шесть",
	"сёмай": "семь", "восьмай": "восемь", "дзявятай": "девять", "дзясятай": "десять",
}

// dialectLetters spell the letters Russian lacks as the Russian letter a
// recogniser or a Russian reader would use.
var dialectLetters = strings.NewReplacer("і", "и", "ї", "и", "є", "е", "ґ", "г", "ў", "в", "ә", "а", "ө", "о", "ү", "у", "җ", "ж", "ң", "н", "һ", "х")

// apostrophes inside a Ukrainian word ("п'ять", "дев’ять") are one letter
// mark, not a break: they are unified so the word stays whole.
var apostrophe = regexp.MustCompile(`(\pL)['’ʼ](\pL)`)

// dialectYes is the Ukrainian "так" or "та" that opens an answer as a clause
// of its own ("Так, це я", "Так."): yes. A Russian "так" inside a clause ("ну
// так вот", "не так") stays what it is.
var dialectYes = regexp.MustCompile(`(^|[.!?;…—]\s*)(так|та)(\s*(?:[.,!?;:…—]|$))`)

// dialectTa is the Ukrainian particle "та" opening an answer ("Та я, я",
// "та не знаю"): the Russian "да".
var dialectTa = regexp.MustCompile(`^та\s+(я|не|нет|ні|кажіть|говорите)([\s,.!?]|$)`)

// undialect rewrites the dialect words of one lower-case text, keeping its
// punctuation.
func undialect(s string) string {
	s = apostrophe.ReplaceAllString(s, "${1}ʼ${2}")
	s = dialectYes.ReplaceAllString(s, "${1}да${3}")
	s = dialectTa.ReplaceAllString(s, "да $1$2")
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' })
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		core, tail := splitTail(f)
		if (core == "о" || core == "а") && tail == "" && i+1 < len(fields) {
			if h, t := splitTail(fields[i+1]); dialectHours[h] != "" {
				fields[i], fields[i+1] = "в", dialectHours[h]+t
				i++
				continue
			}
		}
		if r, ok := dialectWords[core]; ok {
			fields[i] = r + tail
		}
	}
	return dialectLetters.Replace(strings.ReplaceAll(strings.Join(fields, " "), "ʼ", ""))
}

// splitTail separates a word from the punctuation glued after it.
func splitTail(f string) (string, string) {
	end := len(f)
	for end > 0 {
		r, n := utf8.DecodeLastRuneInString(f[:end])
		if !strings.ContainsRune(".,!?;:…—\"»)", r) {
			break
		}
		end -= n
	}
	return f[:end], f[end:]
}
