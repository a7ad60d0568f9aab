#!/usr/bin/env bash
# Compares the two Debian Russian TTS engines dozvon can drive (espeak-ng -v ru
# and festival with festvox-ru's msu_ru_nsh_clunits) on listen-free proxies:
# synthesis time for a typical 10-word phrase, output duration and speaking
# rate, and whether raw input with digits, stress marks and typography
# produces audio at all. Needs espeak-ng, festival, festvox-ru, sox.
# Usage: tools/tts-compare.sh [runs]
set -euo pipefail
runs=${1:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

phrase="Здравствуйте, это автоматический звонок по вопросу вашей задолженности перед банком."
words=$(wc -w <<<"$phrase")

espeak() { espeak-ng -v ru -s 150 -b 1 --stdout --stdin >"$1"; }
festival() { text2wave -eval '(voice_msu_ru_nsh_clunits)' -o - >"$1"; }

ms() { date +%s%N; }
dur() { sox "$1" -n stat 2>&1 | awk '/Length/ {print $3}'; }

echo "phrase: $phrase ($words words), $runs runs each"
printf '%-10s %10s %10s %10s %12s\n' engine median_ms min_ms audio_s words_per_s
for eng in espeak festival; do
	times=()
	for _ in $(seq "$runs"); do
		t0=$(ms)
		printf '%s' "$phrase" | $eng "$tmp/$eng.wav"
		t1=$(ms)
		times+=($(((t1 - t0) / 1000000)))
	done
	sorted=($(printf '%s\n' "${times[@]}" | sort -n))
	d=$(dur "$tmp/$eng.wav")
	printf '%-10s %10s %10s %10s %12s\n' "$eng" "${sorted[$((runs / 2))]}" "${sorted[0]}" "$d" "$(awk -v w="$words" -v d="$d" 'BEGIN { printf "%.2f", w / d }')"
done

echo
echo "robustness on raw input (audio seconds; FAIL = no audio although exit 0):"
inputs=(
	"Ваш долг 12345 рублей"
	"в 10:30"
	"Ставка 1,5%"
	"ООО «Ромашка»"
	"Замок на двери: з+амок, зам+ок"
	"за́мок"
	"Ёлка — ёж…"
	"ул. Ленина, д. 5/2"
	"Hello world"
)
printf '%-34s %10s %10s\n' input espeak festival
for in in "${inputs[@]}"; do
	row=()
	for eng in espeak festival; do
		rm -f "$tmp/r.wav"
		if printf '%s' "$in" | $eng "$tmp/r.wav" 2>/dev/null && [ -s "$tmp/r.wav" ] && [ "$(stat -c %s "$tmp/r.wav")" -gt 44 ]; then
			row+=("$(dur "$tmp/r.wav")")
		else
			row+=(FAIL)
		fi
	done
	printf '%-34s %10s %10s\n' "$in" "${row[0]}" "${row[1]}"
done

echo
echo "stress marks: seconds for замок / з+амок / зам+ок (a much longer marked word means '+' is read aloud as 'плюс')"
for eng in espeak festival; do
	row=()
	for w in замок з+амок зам+ок; do
		printf '%s' "$w" | $eng "$tmp/s.wav"
		row+=("$(dur "$tmp/s.wav")")
	done
	echo "$eng: ${row[*]}"
done
