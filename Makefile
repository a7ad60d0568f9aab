# dozvon — the two commands of the README are `make demo` and `make test`.
GO      ?= go
BIN     := bin/dozvon
GOFLAGS ?=

.PHONY: setup build demo test test-short model bench lint-scripts fuzz clean

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
	@echo "== first-phrase detection by source (issue 16: detect/testdata/sources/README.md), tuning source: espeak-ng variants, clean line =="
	./$(BIN) detect eval detect/testdata/sources/espeak-voices
	@echo "== first-phrase detection, tuning source: festival at other tempos and pitches, G.711 mu-law =="
	./$(BIN) detect eval detect/testdata/sources/festival-g711
	@echo "== first-phrase detection, tuning source: recorded Asterisk prompts, A-law with loss, level, noise, robot echo =="
	./$(BIN) detect eval detect/testdata/sources/asterisk-line
	@echo "== first-phrase detection, tuning source: espeak-ng under loss, level, noise, robot echo, mu-law =="
	./$(BIN) detect eval detect/testdata/sources/phone-espeak
	@echo "== first-phrase detection, HELD-OUT source (no tuning looked at it): espeak-ng voices and texts of its own, clean line =="
	./$(BIN) detect eval detect/testdata/sources/heldout-espeak
	@echo "== first-phrase detection, HELD-OUT source (no tuning looked at it): festival, texts of its own, A-law with loss, level, noise, robot echo =="
	./$(BIN) detect eval detect/testdata/sources/heldout-phone

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
