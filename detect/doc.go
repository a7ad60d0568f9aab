// Package detect classifies who answered an outbound call from the first
// phrase: a live human, a voice assistant (Тинькофф «Олег», «Алиса», operator
// secretaries), an answering machine, a carrier announcement, silence, a voice
// menu (IVR) or a fax. It combines Russian phrase rules on the recognizer's
// text, AMD-style timing, a Goertzel beep detector and SIT-tone detection in
// one streaming Classifier that the robot's media loop drives frame by frame;
// LoopGuard ends bot-to-bot loops (the other side repeating its prompt).
//
// It is its own package, not part of robot, because the classifier is also
// evaluated standalone on labelled WAV files by `dozvon detect eval`
// (Evaluate), independent of any live call; the robot only feeds it the
// first phrase's audio and text.
package detect
