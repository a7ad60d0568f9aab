package scripts

import (
	"regexp"
	"strings"
)

// navigatorPrompts are a car navigator's announcements as a recogniser
// joins them into a hands-free caller's reply ("через двести метров
// поверните направо", "впереди камера", "маршрут перестроен"): another
// voice, whose numbers, turns and "поверните" (read as "перезвоните") are
// no part of the answer.
var navigatorPrompts = []*regexp.Regexp{
	regexp.MustCompile(`через(?:\s+[\p{L}\d]+){1,3}?\s+(?:метр\p{L}*|километр\p{L}*|км)\s+(?:(?:поверните|сверните|поворот|развернитесь|разворот|держитесь|съезд|съезжайте|перестройтесь|выезд)(?:\s+(?:направо|налево|правее|левее|прямо|на\s+право|на\s+лево|в\s+правый\s+ряд|в\s+левый\s+ряд))?)?`),
	regexp.MustCompile(`(?:поверните|сверните|развернитесь|держитесь|перестройтесь|съезжайте)\s+(?:направо|налево|правее|левее|на\s+право|на\s+лево|в\s+правый\s+ряд|в\s+левый\s+ряд)`),
	regexp.MustCompile(`впереди\s+(?:камера|пост\s+дпс|лежачий\s+полицейский|пешеходный\s+переход|светофор)(?:\s+контроля\s+скорости)?`),
	regexp.MustCompile(`маршрут\s+перестроен|вы\s+прибыли(?:\s+к\s+месту\s+назначения)?|продолжайте\s+движение(?:\s+прямо)?|ограничение\s+скорости(?:\s+[\p{L}\d]+){0,2}`),
}

// WithoutNavigator returns text with a navigator's announcements taken
// out; text itself when there are none.
func WithoutNavigator(text string) string {
	low := strings.ToLower(text)
	out := text
	for _, re := range navigatorPrompts {
		if !re.MatchString(low) {
			continue
		}
		low = re.ReplaceAllString(low, " ")
		out = low
	}
	if out == text {
		return text
	}
	return strings.Join(strings.Fields(out), " ")
}
