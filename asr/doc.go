// Package asr turns the debtor's side of a call into text: small streaming-recognition interfaces
// (Recognizer, Stream) that the robot's media loop consumes, and a voice-activity Segmenter with
// endpointing that decides which 20 ms frames are speech and so are worth feeding to a recognizer.
// The Vosk implementation (libvosk loaded at run time) lives in the subpackage asr/vosk.
//
// The media loop of a call pushes every incoming frame into its Segmenter, feeds what Push hands
// back to the call's Stream, and calls Stream.Final on SpeechEnd or MaxLength (see the
// example). Segmenter.Stats gives the audio received versus fed to the recognizer.
package asr
