# dozvon — the two commands of the README are `make demo` and `make test`.
GO      ?= go
BIN     := bin/dozvon
GOFLAGS ?=

.PHONY: setup build demo test test-audio test-short model bench lint-scripts fuzz clean

setup: ## install Debian packages, libvosk (npm) and Go modules
	bash tools/setup-debian.sh

build: ## build bin/dozvon
	$(GO) build $(GOFLAGS) -o $(BIN) ./cmd/dozvon

demo: setup build ## the main job on embedded defaults: simulated debtor phones + the robot over loopback SIP
	./$(BIN) demo

test: setup build ## every test, with the real peers and voices; CI runs exactly this
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 40m ./...
	@echo "== first-phrase detection, tuning set (issue 6 figures) =="
	./$(BIN) detect eval detect/testdata/set
	@echo "== first-phrase detection, held-out set =="
	./$(BIN) detect eval detect/testdata/holdout
	@echo "== first-phrase detection, fresh set (written after tuning) =="
	./$(BIN) detect eval detect/testdata/fresh
	@echo "== first-phrase detection, blind set (looked at once: detect/testdata/README.md) =="
	./$(BIN) detect eval detect/testdata/blind
	@echo "== first-phrase detection, unseen set (written after the blind set's look, then looked at once: detect/testdata/README.md) =="
	./$(BIN) detect eval detect/testdata/unseen
	@# issue 16: one source per engine and line condition (detect/testdata/sources/README.md)
	@for s in espeak-voices festival-g711 asterisk-line phone-espeak heldout-espeak heldout-phone tuning3-registers; do \
		echo "== first-phrase detection, tuning source $$s (detect/testdata/sources/README.md) =="; \
		./$(BIN) detect eval detect/testdata/sources/$$s || exit 1; \
	done
	@for s in heldout2-voices heldout2-line heldout3-voices heldout3-line heldout4-voices heldout4-line heldout5-voices heldout5-line heldout6-voices heldout6-line heldout7-voices heldout7-line heldout8-voices heldout8-line heldout9-voices heldout9-line heldout10-voices heldout10-line heldout11-voices heldout11-line heldout12-voices heldout12-line heldout13-voices heldout13-line heldout14-voices heldout14-line heldout15-voices heldout15-line heldout16-voices heldout16-line heldout17-voices heldout17-line; do \
		echo "== first-phrase detection, source $$s (held out in rounds 2-18, a TUNING source since the round after: detect/testdata/sources/README.md) =="; \
		./$(BIN) detect eval detect/testdata/sources/$$s || exit 1; \
	done
	@# held out: summary only, the per-file MISS/LATE lines are not printed (nobody tunes on them)
	@for s in heldout18-voices heldout18-line; do \
		echo "== first-phrase detection, HELD-OUT source $$s (written by an outside-author helper after round 18, who read no classifier code: detect/testdata/sources/README.md) =="; \
		./$(BIN) detect eval detect/testdata/sources/$$s > $(BIN).heldout.txt || exit 1; \
		grep -v '^\(MISS\|LATE\) ' $(BIN).heldout.txt; \
	done
	@for s in heldout19-voices heldout19-line; do \
		echo "== first-phrase detection, HELD-OUT source $$s (written by an outside-author helper after round 19, who read no classifier code: detect/testdata/sources/README.md) =="; \
		./$(BIN) detect eval detect/testdata/sources/$$s > $(BIN).heldout.txt || exit 1; \
		grep -v '^\(MISS\|LATE\) ' $(BIN).heldout.txt; \
	done
	@for s in heldout20-voices heldout20-line; do \
		echo "== first-phrase detection, HELD-OUT source $$s (written by an outside-author helper after round 20, who read no classifier code: detect/testdata/sources/README.md) =="; \
		./$(BIN) detect eval detect/testdata/sources/$$s > $(BIN).heldout.txt || exit 1; \
		grep -v '^\(MISS\|LATE\) ' $(BIN).heldout.txt; \
	done
	@# issue 18: script authors' cases, the CI gate (98 % pass, 95 % edge coverage)
	@for s in collection verify_contact; do \
		echo "== script tests, text level: $$s (gate 98,95) =="; \
		./$(BIN) test --gate 98,95 scripts/$$s.yaml scripts/testdata/$$s.cases.yaml > bin/script-tests-$$s.txt || { cat bin/script-tests-$$s.txt; exit 1; }; \
	done
	@echo "== dialogue understanding, tuning sources (failures listed; scripts/testdata/eval/README.md) =="
	./$(BIN) test eval scripts/testdata/eval/colloquial scripts/testdata/eval/rushed scripts/testdata/eval/mixed scripts/testdata/eval/mixed2 scripts/testdata/eval/workplace scripts/testdata/eval/tired scripts/testdata/eval/kinds7 scripts/testdata/eval/probe7 scripts/testdata/eval/weak8 scripts/testdata/eval/probe8
	@echo "== dialogue understanding, tuning sources since round 8 (held out in rounds 6 and 7) =="
	./$(BIN) test eval scripts/testdata/eval/spoken scripts/testdata/eval/phoneline scripts/testdata/eval/evasive scripts/testdata/eval/others scripts/testdata/eval/household scripts/testdata/eval/nonnative scripts/testdata/eval/rambling scripts/testdata/eval/northern
	@echo "== dialogue understanding, tuning sources since round 24 (held out after round 23) =="
	./$(BIN) test eval scripts/testdata/eval/vosklm scripts/testdata/eval/military
	@echo "== dialogue understanding, tuning sources since round 23 (held out after round 22) =="
	./$(BIN) test eval scripts/testdata/eval/errands scripts/testdata/eval/proverbs
	@echo "== dialogue understanding, tuning sources since round 22 (held out in round 21) =="
	./$(BIN) test eval scripts/testdata/eval/stutter scripts/testdata/eval/rude
	@echo "== dialogue understanding, tuning sources since round 21 (held out in round 20) =="
	./$(BIN) test eval scripts/testdata/eval/carkit scripts/testdata/eval/bookish
	@echo "== dialogue understanding, tuning sources since round 20 (held out in round 19) =="
	./$(BIN) test eval scripts/testdata/eval/sarcastic scripts/testdata/eval/speakerphone
	@echo "== dialogue understanding, tuning sources since round 19 (held out in round 18) =="
	./$(BIN) test eval scripts/testdata/eval/switching scripts/testdata/eval/fareast
	@echo "== dialogue understanding, tuning sources since round 18 (held out in round 17) =="
	./$(BIN) test eval scripts/testdata/eval/subordinate scripts/testdata/eval/paper
	@echo "== dialogue understanding, tuning sources since round 17 (held out in round 16) =="
	./$(BIN) test eval scripts/testdata/eval/dropout scripts/testdata/eval/diminutive
	@echo "== dialogue understanding, tuning sources since round 16 (held out in round 15) =="
	./$(BIN) test eval scripts/testdata/eval/askback scripts/testdata/eval/inverted
	@echo "== dialogue understanding, tuning sources since round 15 (held out in round 14) =="
	./$(BIN) test eval scripts/testdata/eval/echoback scripts/testdata/eval/relayed
	@echo "== dialogue understanding, tuning sources since round 11 (held out in round 10) =="
	./$(BIN) test eval scripts/testdata/eval/surzhyk scripts/testdata/eval/digits scripts/testdata/eval/mishear
	@echo "== dialogue understanding, tuning sources since round 12 (held out in round 11) =="
	./$(BIN) test eval scripts/testdata/eval/officialese scripts/testdata/eval/doubled
	@echo "== dialogue understanding, tuning sources since round 13 (held out in round 12) =="
	./$(BIN) test eval scripts/testdata/eval/conditional scripts/testdata/eval/hedged
	@echo "== dialogue understanding, tuning sources since round 14 (held out in round 13) =="
	./$(BIN) test eval scripts/testdata/eval/badline scripts/testdata/eval/selfcorrect
	@echo "== dialogue understanding, tuning sources since round 9 (held out in round 8) =="
	./$(BIN) test eval scripts/testdata/eval/transit scripts/testdata/eval/bargain scripts/testdata/eval/office scripts/testdata/eval/asr4
	@echo "== dialogue understanding, tuning sources since round 10 (held out in round 9) =="
	./$(BIN) test eval scripts/testdata/eval/hardship scripts/testdata/eval/handover scripts/testdata/eval/terse scripts/testdata/eval/probe10
	@echo "== dialogue understanding, HELD-OUT fresh pair (written by an outside-author helper after round 23, third pair; never tuned on; summary only: the tool lists no held-out failures) =="
	./$(BIN) test eval scripts/testdata/eval/finlit scripts/testdata/eval/corporate
	@echo "== dialogue understanding, HELD-OUT fresh pair (written by an outside-author helper after round 24, fourth pair; never tuned on; summary only: the tool lists no held-out failures) =="
	./$(BIN) test eval scripts/testdata/eval/pious scripts/testdata/eval/children
	@echo "== dialogue understanding, HELD-OUT earlier sources (regression figures; written before earlier rule rounds) =="
	./$(BIN) test eval scripts/testdata/eval/elderly scripts/testdata/eval/angry scripts/testdata/eval/asr scripts/testdata/eval/formal scripts/testdata/eval/youth scripts/testdata/eval/regional scripts/testdata/eval/asr2 scripts/testdata/eval/rural scripts/testdata/eval/asr3
	@# issue 18: the same cases as real calls over loopback SIP, the same gate
	@$(MAKE) --no-print-directory test-audio

AUDIO_PARALLEL ?= 24
test-audio: build ## issue 18: the bundled scripts' cases as real calls over loopback SIP, gated at 98 % pass and 95 % edge coverage (part of `test`; alone here)
	@mkdir -p var/audiotest
	@rc=0; for s in collection verify_contact; do \
		echo "== script tests, audio level: $$s (gate 98,95) =="; \
		./$(BIN) test --audio --parallel $(AUDIO_PARALLEL) --gate 98,95 --keep var/audiotest/$$s --junit var/audiotest/$$s.junit.xml \
			scripts/$$s.yaml scripts/testdata/$$s.cases.yaml || rc=1; \
	done; exit $$rc

test-short:
	$(GO) test -short -count=1 ./...

model: ## download the official Russian Vosk model (vosk-model-small-ru-0.22) into var/models
	bash tools/fetch-model.sh

bench: build ## media path and concurrent-call figures
	$(GO) test -run '^$$' -bench . -benchtime 2s ./telephony ./asr
	./$(BIN) bench calls -n 100

FUZZTIME ?= 10s
fuzz: ## every native fuzz target for FUZZTIME each (go test -fuzz takes one target per run); findings land in testdata/fuzz/ and `make test` replays them
	@set -e; for dir in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u); do \
		for target in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go | cut -c6- | sort -u); do \
			echo "== $$dir $$target ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) $$dir; \
		done; \
	done

clean:
	rm -rf bin

intent-model: ## intentstat: relabel the corpus from the tuning sources (never a HELD_OUT one), then regenerate the model; `go test ./intentstat/` fails when model.txt is stale
	$(GO) run ./intentstat/internal/mkcorpus
	cd intentstat && $(GO) generate .

detect-model: ## detectstat: rebuild the corpus from the tuning sources' sidecar texts (never a held-out pair), regenerate the model, print its leave-one-pool-out figures; `go test ./detectstat/` fails when model.txt is stale
	$(GO) run ./detectstat/internal/mkcorpus
	cd detectstat && $(GO) generate .
	$(GO) run ./detectstat/internal/lopo
