// Package asr turns the debtor's side of a call into text: small streaming-recognition interfaces
// (Recognizer, Stream) that the robot's media loop consumes, and a voice-activity Segmenter with
// endpointing that decides which 20 ms frames are speech and so are worth feeding to a recognizer.
// The Vosk implementation (libvosk loaded at run time) lives in the subpackage asr/vosk.
package asr
