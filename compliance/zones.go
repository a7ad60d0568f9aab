package compliance

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the guard must not depend on the host's zoneinfo
	"unicode"
)

// subject is one of the 89 federal subjects with its IANA zones.
// Zones are as in force from 2020-12-27 (Волгоград back to MSK).
type subject struct {
	name      string
	zone      string            // the zone of the whole subject, or of its administrative centre
	aliases   []string          // other spellings (registry, GAR, colloquial)
	districts map[string]string // district → zone, for subjects spanning zones
}

// subjects lists all 89 federal subjects (Constitution art. 65, 2022 edition).
var subjects = []subject{
	{name: "Республика Адыгея", zone: "Europe/Moscow", aliases: []string{"Адыгея"}},
	{name: "Республика Алтай", zone: "Asia/Barnaul", aliases: []string{"Горный Алтай"}},
	{name: "Республика Башкортостан", zone: "Asia/Yekaterinburg", aliases: []string{"Башкирия"}},
	{name: "Республика Бурятия", zone: "Asia/Irkutsk"},
	{name: "Республика Дагестан", zone: "Europe/Moscow"},
	{name: "Республика Ингушетия", zone: "Europe/Moscow"},
	{name: "Кабардино-Балкарская Республика", zone: "Europe/Moscow", aliases: []string{"Кабардино-Балкария"}},
	{name: "Республика Калмыкия", zone: "Europe/Moscow"},
	{name: "Карачаево-Черкесская Республика", zone: "Europe/Moscow", aliases: []string{"Карачаево-Черкесия"}},
	{name: "Республика Карелия", zone: "Europe/Moscow"},
	{name: "Республика Коми", zone: "Europe/Moscow"},
	{name: "Республика Марий Эл", zone: "Europe/Moscow"},
	{name: "Республика Мордовия", zone: "Europe/Moscow"},
	{name: "Республика Саха (Якутия)", zone: "Asia/Yakutsk",
		aliases: []string{"Якутия", "Саха", "Республика Саха /Якутия/"},
		// Federal law 107-FZ "Об исчислении времени": МСК+7 and МСК+8 districts; the rest is МСК+6.
		districts: map[string]string{
			"Верхоянский": "Asia/Ust-Nera", "Оймяконский": "Asia/Ust-Nera", "Усть-Янский": "Asia/Ust-Nera",
			"Абыйский": "Asia/Srednekolymsk", "Аллаиховский": "Asia/Srednekolymsk", "Верхнеколымский": "Asia/Srednekolymsk",
			"Момский": "Asia/Srednekolymsk", "Нижнеколымский": "Asia/Srednekolymsk", "Среднеколымский": "Asia/Srednekolymsk",
		}},
	{name: "Республика Северная Осетия — Алания", zone: "Europe/Moscow", aliases: []string{"Северная Осетия", "Алания"}},
	{name: "Республика Татарстан", zone: "Europe/Moscow", aliases: []string{"Татарстан"}},
	{name: "Республика Тыва", zone: "Asia/Krasnoyarsk", aliases: []string{"Тува"}},
	{name: "Удмуртская Республика", zone: "Europe/Samara", aliases: []string{"Удмуртия"}},
	{name: "Республика Хакасия", zone: "Asia/Krasnoyarsk"},
	{name: "Чеченская Республика", zone: "Europe/Moscow", aliases: []string{"Чечня"}},
	{name: "Чувашская Республика", zone: "Europe/Moscow", aliases: []string{"Чувашия", "Чувашская Республика - Чувашия"}},
	{name: "Алтайский край", zone: "Asia/Barnaul"},
	{name: "Краснодарский край", zone: "Europe/Moscow", aliases: []string{"Кубань"}},
	{name: "Красноярский край", zone: "Asia/Krasnoyarsk", aliases: []string{"г. Норильск"}},
	{name: "Приморский край", zone: "Asia/Vladivostok", aliases: []string{"Приморье"}},
	{name: "Ставропольский край", zone: "Europe/Moscow"},
	{name: "Хабаровский край", zone: "Asia/Vladivostok"},
	{name: "Амурская область", zone: "Asia/Yakutsk"},
	{name: "Архангельская область", zone: "Europe/Moscow"},
	{name: "Астраханская область", zone: "Europe/Astrakhan"},
	{name: "Белгородская область", zone: "Europe/Moscow"},
	{name: "Брянская область", zone: "Europe/Moscow"},
	{name: "Владимирская область", zone: "Europe/Moscow"},
	{name: "Волгоградская область", zone: "Europe/Volgograd"},
	{name: "Вологодская область", zone: "Europe/Moscow"},
	{name: "Воронежская область", zone: "Europe/Moscow"},
	{name: "Ивановская область", zone: "Europe/Moscow"},
	{name: "Иркутская область", zone: "Asia/Irkutsk"},
	{name: "Калининградская область", zone: "Europe/Kaliningrad"},
	{name: "Калужская область", zone: "Europe/Moscow"},
	{name: "Камчатский край", zone: "Asia/Kamchatka", aliases: []string{"Корякский округ", "Камчатка"}},
	{name: "Кемеровская область — Кузбасс", zone: "Asia/Novokuznetsk", aliases: []string{"Кемеровская область", "Кузбасс"}},
	{name: "Кировская область", zone: "Europe/Kirov"},
	{name: "Костромская область", zone: "Europe/Moscow"},
	{name: "Курганская область", zone: "Asia/Yekaterinburg"},
	{name: "Курская область", zone: "Europe/Moscow"},
	{name: "Ленинградская область", zone: "Europe/Moscow"},
	{name: "Липецкая область", zone: "Europe/Moscow"},
	{name: "Магаданская область", zone: "Asia/Magadan"},
	{name: "Московская область", zone: "Europe/Moscow", aliases: []string{"Подмосковье"}},
	{name: "Мурманская область", zone: "Europe/Moscow"},
	{name: "Нижегородская область", zone: "Europe/Moscow"},
	{name: "Новгородская область", zone: "Europe/Moscow"},
	{name: "Новосибирская область", zone: "Asia/Novosibirsk"},
	{name: "Омская область", zone: "Asia/Omsk"},
	{name: "Оренбургская область", zone: "Asia/Yekaterinburg"},
	{name: "Орловская область", zone: "Europe/Moscow"},
	{name: "Пензенская область", zone: "Europe/Moscow"},
	{name: "Пермский край", zone: "Asia/Yekaterinburg"},
	{name: "Псковская область", zone: "Europe/Moscow", aliases: []string{"г. Псков"}},
	{name: "Ростовская область", zone: "Europe/Moscow"},
	{name: "Рязанская область", zone: "Europe/Moscow"},
	{name: "Самарская область", zone: "Europe/Samara"},
	{name: "Саратовская область", zone: "Europe/Saratov"},
	{name: "Сахалинская область", zone: "Asia/Sakhalin"},
	{name: "Свердловская область", zone: "Asia/Yekaterinburg"},
	{name: "Смоленская область", zone: "Europe/Moscow"},
	{name: "Тамбовская область", zone: "Europe/Moscow"},
	{name: "Тверская область", zone: "Europe/Moscow"},
	{name: "Томская область", zone: "Asia/Tomsk"},
	{name: "Тульская область", zone: "Europe/Moscow"},
	{name: "Тюменская область", zone: "Asia/Yekaterinburg"},
	{name: "Ульяновская область", zone: "Europe/Ulyanovsk"},
	{name: "Челябинская область", zone: "Asia/Yekaterinburg"},
	{name: "Забайкальский край", zone: "Asia/Chita"},
	{name: "Ярославская область", zone: "Europe/Moscow"},
	{name: "г. Москва", zone: "Europe/Moscow", aliases: []string{"Москва", "Город Москва"}},
	{name: "г. Санкт-Петербург", zone: "Europe/Moscow", aliases: []string{"Санкт-Петербург", "Петербург"}},
	{name: "Еврейская автономная область", zone: "Asia/Vladivostok", aliases: []string{"Еврейская АО"}},
	{name: "Ненецкий автономный округ", zone: "Europe/Moscow", aliases: []string{"Ненецкий АО"}},
	{name: "Ханты-Мансийский автономный округ — Югра", zone: "Asia/Yekaterinburg", aliases: []string{"Югра", "ХМАО"}},
	{name: "Чукотский автономный округ", zone: "Asia/Anadyr", aliases: []string{"Чукотка"}},
	{name: "Ямало-Ненецкий автономный округ", zone: "Asia/Yekaterinburg", aliases: []string{"ЯНАО"}},
	{name: "Республика Крым", zone: "Europe/Simferopol", aliases: []string{"Крым"}},
	{name: "г. Севастополь", zone: "Europe/Simferopol", aliases: []string{"Севастополь"}},
	{name: "Донецкая Народная Республика", zone: "Europe/Moscow", aliases: []string{"ДНР"}},
	{name: "Луганская Народная Республика", zone: "Europe/Moscow", aliases: []string{"ЛНР"}},
	{name: "Запорожская область", zone: "Europe/Moscow"},
	{name: "Херсонская область", zone: "Europe/Moscow"},
}

// federalRegions are registry region strings that name no subject: the range
// serves the whole country, so the zone is unknown (all Russian zones).
var federalRegions = []string{"Российская Федерация", "-", "Россия", "РФ"}

// russianZones are the eleven zones of Russia, west to east (UTC+2 … UTC+12).
// Read-only: hand out copies (RussianZones).
var russianZones = []string{
	"Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk",
	"Asia/Novosibirsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan", "Asia/Kamchatka",
}

// RussianZones returns the eleven zones of Russia, west to east (UTC+2 … UTC+12):
// the zones whose windows all must hold for a debtor of unknown location.
func RussianZones() []string { return append([]string(nil), russianZones...) }

// regionStopwords carry no identity: "Ростовская обл." and "Ростовская область" are one key.
var regionStopwords = map[string]bool{
	"г": true, "город": true, "обл": true, "область": true, "край": true, "республика": true, "респ": true,
	"автономный": true, "автономная": true, "ао": true, "округ": true, "аобл": true, "улус": true, "район": true, "р": true, "н": true,
}

// regionKey folds a region spelling to a key: lower case, ё→е, punctuation and
// stop words dropped, remaining words sorted.
func regionKey(s string) string {
	s = strings.ReplaceAll(strings.ToLower(s), "ё", "е")
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	kept := words[:0]
	for _, w := range words {
		if !regionStopwords[w] {
			kept = append(kept, w)
		}
	}
	sort.Strings(kept)
	return strings.Join(kept, " ")
}

// regionIndex maps keys to subjects; built per call of newRegionIndex (no package state).
type regionIndex struct {
	bySubjectKey map[string]*subject
	byName       map[string]*subject
	federal      map[string]bool
	memo         *regionMemo
}

// regionMemo keeps resolve's answers: a guard locates a debtor on every
// decision, and folding the region's spelling to keys (regionKey) was 2 %
// of its CPU under load. resolve depends only on its arguments and the
// index, so a kept answer is the answer; the distinct spellings are few
// (the subjects and the plan's regions), and past memoMax it keeps no more.
type regionMemo struct {
	mu sync.Mutex
	m  map[[2]string]resolved
}

type resolved struct {
	loc Location
	err error
}

const memoMax = 4096

func newRegionIndex() regionIndex {
	ix := regionIndex{bySubjectKey: map[string]*subject{}, byName: map[string]*subject{}, federal: map[string]bool{},
		memo: &regionMemo{m: map[[2]string]resolved{}}}
	for i := range subjects {
		s := &subjects[i]
		ix.byName[s.name] = s
		ix.bySubjectKey[regionKey(s.name)] = s
		for _, a := range s.aliases {
			ix.bySubjectKey[regionKey(a)] = s
		}
	}
	for _, f := range federalRegions {
		ix.federal[regionKey(f)] = true
	}
	ix.federal[""] = true
	return ix
}

// Location is where a debtor is for the guard: the federal subjects and the
// zones whose windows all must hold (one zone, or several → their intersection).
type Location struct {
	Subjects []string // canonical subject names; empty when unknown
	Zones    []string // IANA zones, sorted west to east
	Unknown  bool     // no subject known: all Russian zones
	Source   string   // "address", "phone", "unknown"
	// Unreadable: an address region was given but names no federal
	// subject, so the location is unknown (all Russian zones).
	Unreadable bool
}

// UnknownLocation is the location of a debtor whose region is not known.
func UnknownLocation() Location {
	return Location{Zones: append([]string(nil), russianZones...), Unknown: true, Source: "unknown"}
}

// ResolveRegion maps a region string — an address region or a numbering-plan
// region such as "г. Москва * Московская область" or "Корякский округ|Камчатский край" —
// and an optional district to a Location. A subject spanning several zones
// resolves by district, or to the intersection of its zones without one.
func ResolveRegion(region, district string) (Location, error) {
	ix := newRegionIndex()
	return ix.resolve(region, district)
}

func (ix regionIndex) resolve(region, district string) (Location, error) {
	if ix.memo == nil {
		return ix.resolveNew(region, district)
	}
	k := [2]string{region, district}
	ix.memo.mu.Lock()
	r, ok := ix.memo.m[k]
	ix.memo.mu.Unlock()
	if !ok {
		r.loc, r.err = ix.resolveNew(region, district)
		ix.memo.mu.Lock()
		if len(ix.memo.m) < memoMax {
			ix.memo.m[k] = r
		}
		ix.memo.mu.Unlock()
	}
	// The caller owns its Location: its slices are copies of the kept one's.
	loc := r.loc
	loc.Subjects = append([]string(nil), r.loc.Subjects...)
	loc.Zones = append([]string(nil), r.loc.Zones...)
	return loc, r.err
}

func (ix regionIndex) resolveNew(region, district string) (Location, error) {
	if ix.federal[regionKey(region)] {
		return UnknownLocation(), nil
	}
	var subs []*subject
	var unresolved []string
	for _, alt := range strings.Split(region, "|") {
		for _, part := range splitRegionParts(alt) {
			if s, ok := ix.bySubjectKey[regionKey(part)]; ok {
				subs = append(subs, s)
			} else if strings.TrimSpace(part) != "" {
				unresolved = append(unresolved, strings.TrimSpace(part))
			}
		}
	}
	if len(subs) == 0 {
		return Location{}, fmt.Errorf("resolve region %q: not a known federal subject", region)
	}
	if len(unresolved) > 0 && !strings.Contains(region, "|") {
		return Location{}, fmt.Errorf("resolve region %q: part %q is not a known federal subject", region, unresolved[0])
	}
	loc := Location{Source: "address"}
	zones := map[string]bool{}
	seen := map[string]bool{}
	for _, s := range subs {
		if seen[s.name] {
			continue
		}
		seen[s.name] = true
		loc.Subjects = append(loc.Subjects, s.name)
		switch {
		case len(s.districts) == 0:
			zones[s.zone] = true
		case district != "" && len(subs) == 1:
			z, ok := s.districtZone(district)
			if !ok {
				z = s.zone // a district not in the exception list keeps the subject's main zone
			}
			zones[z] = true
		default:
			zones[s.zone] = true
			for _, z := range s.districts {
				zones[z] = true
			}
		}
	}
	for z := range zones {
		loc.Zones = append(loc.Zones, z)
	}
	sortZones(loc.Zones)
	return loc, nil
}

func (s *subject) districtZone(district string) (string, bool) {
	k := regionKey(district)
	for d, z := range s.districts {
		if regionKey(d) == k {
			return z, true
		}
	}
	return "", false
}

// splitRegionParts splits "A * B", "A и B", "A, B" into subject names.
func splitRegionParts(s string) []string {
	s = strings.ReplaceAll(s, " * ", "\x00")
	s = strings.ReplaceAll(s, " и ", "\x00")
	s = strings.ReplaceAll(s, ",", "\x00")
	return strings.Split(s, "\x00")
}

// sortZones orders zones by their current UTC offset, then name.
func sortZones(zs []string) {
	ref := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	off := func(z string) int {
		loc, err := time.LoadLocation(z)
		if err != nil {
			return 0
		}
		_, o := ref.In(loc).Zone()
		return o
	}
	sort.Slice(zs, func(i, j int) bool {
		oi, oj := off(zs[i]), off(zs[j])
		if oi != oj {
			return oi < oj
		}
		return zs[i] < zs[j]
	})
}

// SubjectNames returns the canonical names of all federal subjects.
func SubjectNames() []string {
	out := make([]string, len(subjects))
	for i, s := range subjects {
		out[i] = s.name
	}
	return out
}

// DialogueZone is the zone in which the robot speaks to a debtor of the given
// address region: the times it says and understands ("перезвоню завтра в
// 10") are the debtor's local time. It is the zone the guard shows its
// decision in (Decision.Zone), so the dialogue and the guard agree: the
// region's westernmost zone (a subject spanning zones, given no district),
// and Moscow for a region that is empty, federal or not a known subject.
// Moscow, not the westernmost Russian zone: Moscow time is the reference
// every Russian zone is defined by (107-FZ, "МСК+n"), most debtors live on
// it, and the guard reports an unknown debtor's local time in it too.
func DialogueZone(region string) *time.Location {
	zone := "Europe/Moscow"
	if loc, err := ResolveRegion(region, ""); err == nil && len(loc.Zones) > 0 {
		zone = loc.Zones[primaryZone(loc)]
	}
	l, err := time.LoadLocation(zone)
	if err != nil {
		// unreachable with time/tzdata embedded; Moscow keeps UTC+3 all year since 2014
		return time.FixedZone("MSK", 3*60*60)
	}
	return l
}
