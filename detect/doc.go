// Package detect classifies who answered an outbound call from the first
// phrase: a live human, a voice assistant (Тинькофф «Олег», «Алиса», operator
// secretaries), an answering machine, a carrier announcement, silence, a voice
// menu (IVR) or a fax. It combines Russian phrase rules on the recognizer's
// text, AMD-style timing, a Goertzel beep detector and SIT-tone detection in
// one streaming Classifier that the robot's media loop drives frame by frame;
// LoopGuard ends bot-to-bot loops (the other side repeating its prompt).
//
// The verdict comes in two stages when it must. Whether a person answered is
// known first: a short greeting then a pause is a person; a decisive phrase,
// a beep or SIT tones name the class at once; and a greeting that goes on
// past a person's (1.5 s of talk, Asterisk AMD's maximum_greeting) with no
// word of answering the phone in it ("алло", "да", "слушаю"…) — or with one
// outweighed by a non-human cue ("Алло, вы позвонили Екатерине…") — is not a
// person. The robot acts on that at once: it stops and says nothing more.
// Which kind of non-person it is — assistant, voicemail, carrier message —
// usually comes later in the greeting ("…я голосовой помощник", "…оставьте
// сообщение"), so the class is settled when that cue, a beep or the end of
// the analysis time arrives — or, when the text decides it (a weak cue, words
// about the line), when the greeting has ended (settlePause of quiet) —
// (Decision.Settled, SettledAt), and only then does
// the robot take the campaign's reaction for the class (hang up, or a
// neutral message after the beep). `dozvon detect eval` reports both times.
//
// Uncertainty resolves to a person (issue 16): a person taken for a machine
// costs a contact, a machine taken for a person a few seconds of the robot's
// talk. Length alone does not take a callee whose words are a person's
// ("ну кто там опять звонит", "здравствуйте… секундочку") for a recording;
// a callee who by PersonDeadline (2.4 s after answer) has said only answering
// words, or spoke briefly and paused, and gave no sign of a recording is a
// person then; blips shorter than a word greet nobody, but a voiced one
// holds off the verdict that the line is silent for InitialSilence after it
// (a sender's VAD may have clipped a word to it). One recognised word,
// however long it took to say, gives no length-only verdict without a
// non-human cue (a name or a slow greeting first, the answering word after
// it, often over the robot's echo or a television).
//
// Length with no non-human cue is no sign of a recording while the words
// could be a person naming themselves first ("Отдел кадров, Смирнова…
// слушаю"): it takes four recognised words that are not answering words, or
// three and the nearest voice talking on without a pause past the length of
// such an introduction, or two and a longer monologue; one recognised word
// in long talk is never enough (the rest is a television, the room or the
// line). Words the recognizer found where the level test heard no speech
// are a callee talking, never a silent line. The nearest voice is the
// loudest on the line: talk well below it (a television, the room, the
// robot's echo) neither lengthens the callee's talk nor fills the pause
// after a short answer. At the end of
// the analysis time, words with no non-human cue are a person.
//
// Two line features come from when sounds happen, not from the words:
// sound heard only while the robot speaks, with nothing recognised, is the
// robot's echo on a silent line and greets nobody; a SIT-band tone no longer
// than a SIT segment before any speech is a SIT sequence clipped by packet
// loss (an announcement cue), not a voicemail beep, which closes a greeting.
//
// A person verdict is early on purpose, so the classifier keeps watching
// the same first phrase after it: a greeting that never paused for a
// second and then gives a decisive non-human cue or a beep is reported as a
// late correction (Correction); the verdict itself stands. A callee who
// paused for the robot is no longer watched. The robot's call path keeps
// feeding frames and text after a person verdict and acts on a correction:
// it ends the call as the corrected class, never after it said anything
// sensitive (it holds such prompts while the phrase is watched).
//
// A caller that acts on corrections may ask for a tentative person
// (Config.TentativePerson, the call path does): speech by PersonDeadline
// with no sign of a recording is a person then even without a sign of a
// person, so the robot may speak on; the rules keep running in the
// background, and a non-person verdict of theirs is the correction only on
// evidence a person cannot give: a beep or SIT tones, or a cue people never
// say ("вы позвонили…", "автоответчик", a carrier's "абонент"). Length, a
// silence (whether or not the recognizer made words of the speech: a
// keypad-only line has none) and words a person may say ("перезвоню", "не
// могу ответить", a name: rule.people) never correct a person verdict on
// their own: a correction hangs up on someone talking. People's words do
// when they come in a monologue that ran on for monologueCorrection without
// a pause and without a word of answering the phone: a person who says them
// pauses for the caller long before. Sound that so far reads as the
// robot's echo or blips gives no tentative person. A caller with no
// recognizer at all should not ask for tentative persons: nothing could
// correct them, and timing has to decide first.
//
// A cue people never say, as strong as blockHuman, by PersonDeadline is
// the verdict that no person answered then, whatever the greeting's length
// (no person verdict could follow it).
//
// Which non-person it is gets two more rules. Carrier words ("абонент
// временно недоступен") say at once that no person answered, but the class
// waits for the voice to pause: an assistant may quote them and talk on,
// and a carrier never names an assistant, so both cues make an assistant.
// At the end of the analysis time, text with no decisive cue that speaks of
// the subscriber, the number or the line in the third person and never says
// "я" or "мы" is an announcement rather than a machine (carrierLike). Behind
// a tentative person that verdict is a late correction only when the text
// names two words about the line and the voice read it out for
// carrierMonologue without a pause (a person who says the number is wrong
// names one, mostly in a short breath).
//
// The robot greets from the answer on, so on a line without echo
// cancellation its own voice comes back over its playback. The robot tells
// the classifier what it says (RobotSays); recognised text that repeats it
// in order is taken for that echo and gives no verdict on its length.
//
// A caller that has the robot's outgoing audio gives it frame by frame
// (RobotFrame) as a reference: the line's echo is then measured — its delay
// and how far below the robot it comes back — and frames no louder than
// that echo are no speech at all, while what is louder, over the robot or
// in its pauses, is the callee; the guess from timing alone (sound only
// while the robot speaks) is not needed then. A line that does not follow
// the robot — its level tracking the robot's at one delay, pauses included
// — gets no frame taken for echo, keeps the timing guess, and gets back as
// speech what was taken for echo before that was known: a live robot
// always greets, so most lines with a reference have no echo at all.
//
// A learned text model (package detectstat: naive Bayes over the words'
// stems, stem pairs and letter trigrams, trained at build time on the
// tuning sources' texts and embedded) stands beside the rules in two places
// only, both chosen by leave-one-pool-out (model.go): which non-person it
// is when the rules took the class from no decisive cue and no tone; and a
// late correction of a person verdict when the nearest voice talked on for
// a monologue (4.5 s, no pause of a second, no word of answering the phone)
// whose text the model takes for no person's at 0.9999. It never makes a
// first verdict, so whether a person answered is decided when and as the
// rules decide it; its evidence names the model and its deciding features.
// Config.NoModel runs the rules alone.
//
// It is its own package, not part of robot, because the classifier is also
// evaluated standalone on labelled WAV files by `dozvon detect eval`
// (Evaluate), independent of any live call; the robot only feeds it the
// first phrase's audio and text.
package detect
