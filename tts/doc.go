// Package tts produces the audio the robot says: speech synthesised from
// Russian text by a local engine (espeak-ng or Festival), an on-disk cache of
// synthesised phrases, recorded phrases loaded from WAV or MP3, and the
// Russian verbalisation of numbers, money, dates and times that both the
// display and the engines need. All audio leaves the package as 8 kHz mono
// 16-bit PCM (Audio), ready for G.711.
//
// # Engines, and why espeak-ng is the default
//
// Both engines are Debian packages run as subprocesses, their WAV output
// parsed by package media and resampled in-process to 8 kHz. espeak-ng and
// text2wave run once per phrase (text on stdin, WAV on stdout, killed when
// the context ends); with FestivalOptions.Persistent, festival --pipe workers
// keep the voice loaded and are fed one phrase at a time. Measured on the
// 2-core development machine, 2026-11-25, for a 10-word phrase
// ("Здравствуйте, это автоматический звонок по вопросу вашей задолженности
// перед банком."):
//
//	                           espeak-ng -v ru   festival (text2wave)   festival --pipe
//	process alone, quiet (1)        21 ms              775 ms                  –
//	Synthesize, quiet (2)           32 ms             1040 ms              ~95 ms
//	Synthesize, load 5 (2)          40 ms             1400 ms              199 ms
//	memory per process            ~10 MB             ~470 MB (loads the voice each time)
//	audio produced                 5.7 s              6.7 s                 6.7 s
//	raw input giving audio (1)     9 of 9             3 of 9, 6 silent with exit 0
//	'+' stress marks (1)       read as "плюс"         honoured              honoured
//
//	(1) tools/tts-compare.sh 5
//	(2) go test ./tts -run X -bench Synthesize -benchtime 10x ("quiet": load < 1;
//	    "load 5": other engineers' builds running on the same 2 cores)
//
// Festival's voice is unit selection over a recorded human speaker, which as
// a technique sounds more natural than espeak-ng's formant synthesis (not
// measured here: the comparison is listen-free), and it honours '+' stress
// marks. But per phrase it costs 3–5× espeak-ng's CPU even with the voice
// kept loaded (30× without), each loaded worker holds ~470 MB, and its
// tokenizer silently produces nothing for « », …, %, /, a combining accent
// or "10:30". A robot with hundreds of concurrent calls on two cores
// synthesises personalised phrases (names, amounts, dates) during calls, so
// throughput, memory and never-silent output win: DefaultEngine is
// espeak-ng. Festival stays selectable (NewFestival, NewVoice("festival"))
// for a more natural voice, best with Persistent and with fixed prompts
// rendered ahead of time into the cache; this package cleans its input (see
// festivalText) so it does not fail silently.
//
// # Markup
//
// Text given to a Synthesizer may contain:
//
//   - '+' directly before a Russian vowel marks stress: "з+амок", "зам+ок".
//     A combining acute accent after the vowel (U+0301, "за́мок") means the
//     same. Festival uses the mark; espeak-ng 1.51 has no in-text stress
//     notation for Russian, so the mark is removed for it (it would
//     otherwise say "плюс"). A '+' not before a vowel ("+7") is text.
//   - <pause 300ms> or <pause 1.5s> inserts that much silence (at most 10 s).
//     A malformed <pause …> is an error naming its byte offset.
//
// Digits left in the text are passed through Verbalize first (unless the
// engine's NoVerbalize option is set), so "в 10:30" is said "в десять часов
// тридцать минут" by either engine.
//
// # Cache
//
// NewCache keys files by SHA-256 of the voice key (Voice.Key: engine, voice,
// speed, text-processing version) and the text, stores 8 kHz 16-bit WAV that
// a human can play, writes atomically (temp file + rename) and shares one
// synthesis among concurrent callers of the same phrase (singleflight).
//
// # Recorded phrases
//
// LoadAudioFile decodes WAV (PCM 8/16/24/32-bit, G.711 A-law/µ-law, mono or
// stereo, any rate) and MP3 (go-mp3) to 8 kHz mono. AudioFiles.Load does the
// same once per file and serves later loads from memory (a 3 s MP3 costs
// 15–35 ms to decode), reloading a file that changed on disk.
//
// # Verbalisation
//
// SpellNumber, SpellMoney, SpellDate, SpellDateGenitive and SpellTime give
// words for speech with gender and number agreement; FormatMoney and
// FormatDate give digits for display ("12 345 рублей 50 копеек",
// "25 ноября"); Plural picks the agreeing noun form.
package tts
