package scripts

// plainWords are everyday words one or two letters off a phrase word that a
// recogniser prints correctly far more often than it garbles the phrase word
// into them: a heard word in this list matches phrase words only by its own
// stem, never by the ASR tolerance. Each pair was seen to collide (round 21):
// "позвольте" / "позвоните" (busy), "наверное" / "неверно", "несколько" /
// "нисколько", "обещала" / "обедаю", "видите" / "идите". ("Пожалуй" and
// "пожалуюсь", "после" and "опосля" share a stem: those phrases were
// dropped instead.)
var plainWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		"позвольте", "позволь", "позвольте-ка", "позволите", "видите", "видишь",
		"наверное", "наверно", "несколько",
		"обещал", "обещала", "обещали", "обещаю", "впрочем",
	} {
		m[w] = true
	}
	return m
}()
