#!/usr/bin/env python3
"""gen-detect-sources.py — first-phrase detection corpora by source: engine x line condition.

    tools/gen-detect-sources.py [OUTDIR]      (default: detect/testdata/sources)

Writes OUTDIR/<source>/<label>/NAME.wav (8 kHz mono 16-bit, at most 6.5 s) with NAME.txt (the
words a recognizer would return, lower case, no punctuation) and, where the robot's own greeting
echoes back, NAME.robot.txt ("SECONDS TEXT": the robot plays TEXT from the answer for SECONDS).
Sources (see detect/testdata/sources/README.md for which are held out and why):

  espeak-voices  tuning texts, espeak-ng variants Andy/klatt2/m7/f1, rates 130-210, clean or noise
  festival-g711  tuning texts, festival at other tempos and pitches, G.711 mu-law round trip
  asterisk-line  recorded Asterisk prompts (a human voice) under line conditions, G.711 A-law
  phone-espeak   tuning texts, espeak grandpa/Annie/anxiousAndy under line conditions, mu-law
  heldout-espeak HELD OUT: their own texts, espeak grandma/Denis/klatt4/m8/croak, clean or noise
  heldout-phone  HELD OUT: their own texts, festival under line conditions, A-law

Line conditions: packet loss (Gilbert bursts of 20 ms frames, zeroed as a jitter buffer without
concealment delivers them), level changes (a gain step or ramp, clipped), background noise,
background talk (another voice under the answer), echo of the robot's greeting.
Needs espeak-ng, festival + festvox-ru, sox and asterisk-core-sounds-ru-wav. Deterministic: a
fixed seed per source, sox -R.
"""
import array
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import wave

RATE = 8000
MAXS = 6.5
FRAME = RATE // 50
AST = next((d for d in ("/usr/share/asterisk/sounds/ru", "/usr/share/asterisk/sounds/ru_RU_f_IvrvoiceRU") if os.path.isdir(d)), None)
TMP = tempfile.mkdtemp()
os.environ["SOX_OPTS"] = "-R"


def run(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def read(path):
    with wave.open(path) as w:
        assert w.getframerate() == RATE and w.getnchannels() == 1 and w.getsampwidth() == 2, path
        a = array.array("h")
        a.frombytes(w.readframes(w.getnframes()))
        return list(a)


def write(path, s):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(array.array("h", [max(-32768, min(32767, int(x))) for x in s]).tobytes())


def sox_to8k(src, extra=()):
    out = os.path.join(TMP, "o.wav")
    run("sox", src, "-r", str(RATE), "-c", "1", "-b", "16", out, *extra, "gain", "-n", "-3")
    trimmed = os.path.join(TMP, "t.wav")
    run("sox", out, trimmed, "silence", "1", "0.02", "0.5%", "reverse", "silence", "1", "0.02", "0.5%", "reverse")
    return read(trimmed)


def synth(voice, text):
    """voice: ("espeak", variant, speed, pitch) | ("festival", tempo, cents)."""
    raw = os.path.join(TMP, "raw.wav")
    if voice[0] == "espeak":
        _, var, speed, pitch = voice
        run("espeak-ng", "-v", "ru+" + var, "-s", str(speed), "-p", str(pitch), "-w", raw, text)
        return sox_to8k(raw)
    _, tempo, cents = voice
    t = os.path.join(TMP, "t.txt")
    with open(t, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    run("text2wave", "-eval", "(voice_msu_ru_nsh_clunits)", t, "-o", raw)
    return sox_to8k(raw, ("tempo", str(tempo), "pitch", str(cents)))


def silence(sec):
    return [0] * int(sec * RATE)


def tone(freq, sec, db):
    out = os.path.join(TMP, "tone.wav")
    run("sox", "-n", "-r", str(RATE), "-c", "1", "-b", "16", out, "synth", str(sec), "sine", str(freq), "gain", str(db))
    return read(out)


def sit():
    return tone(913.8, 0.274, -10) + tone(1370.6, 0.274, -10) + tone(1776.7, 0.380, -10) + silence(0.3)


def asr_text(s):
    s = s.lower().replace("ё", "е")
    s = re.sub(r"[^\w\s-]|(?<!\w)-|-(?!\w)", " ", s)
    s = s.replace("-", " ")
    return " ".join(s.split())


def spoken(voice, parts, budget):
    """parts: sentences (str) and pauses (float seconds). Returns audio and the words audible
    within budget seconds: whole sentences, and the share of a cut one that fits."""
    audio, words = [], []
    for p in parts:
        if isinstance(p, float):
            audio += silence(p)
            continue
        for sent in re.findall(r"[^.!?]+[.!?]*", p):
            sent = sent.strip()
            if not sent:
                continue
            a = synth(voice, sent)
            w = asr_text(sent).split()
            t0, d = len(audio) / RATE, len(a) / RATE
            if t0 + d <= budget:
                words += w
            elif t0 < budget:
                words += w[: int(len(w) * (budget - t0) / d)]
            audio += a + silence(0.35)
    return audio, " ".join(words)


# ---- line conditions ------------------------------------------------------------------

def g711(s, law):
    src, enc, back = os.path.join(TMP, "g_in.wav"), os.path.join(TMP, "g_enc.wav"), os.path.join(TMP, "g_out.wav")
    write(src, s)
    run("sox", src, "-e", "u-law" if law == "u" else "a-law", "-b", "8", enc)
    run("sox", enc, "-e", "signed-integer", "-b", "16", back)
    return read(back)


def loss(s, rng, p):
    """Gilbert model over 20 ms frames: good->bad with p, bad->good with 0.5 (bursts)."""
    out, bad = list(s), False
    for i in range(0, len(out), FRAME):
        bad = (rng.random() < 0.5) if bad else (rng.random() < p)
        if bad:
            out[i:i + FRAME] = [0] * len(out[i:i + FRAME])
    return out


def level(s, rng):
    """A gain step or ramp: the line or the callee's distance to the phone changes."""
    a, b = rng.uniform(-16, 4), rng.uniform(-16, 4)
    n = max(len(s), 1)
    step = rng.random() < 0.5
    at = rng.uniform(0.3, 0.7) * n
    out = []
    for i, x in enumerate(s):
        db = (a if i < at else b) if step else a + (b - a) * i / n
        out.append(x * 10 ** (db / 20))
    return out


def mix(s, other, db, offset=0):
    g = 10 ** (db / 20)
    out = list(s) + [0] * max(0, offset + len(other) - len(s))
    for i, x in enumerate(other):
        out[offset + i] += x * g
    return out


def noise(s, rng, db):
    kind = rng.choice(["pinknoise", "brownnoise", "whitenoise"])
    out = os.path.join(TMP, "n.wav")
    run("sox", "-n", "-r", str(RATE), "-c", "1", "-b", "16", out, "synth", str(len(s) / RATE + 0.01), kind, "gain", str(db))
    return mix(s, read(out)[: len(s)], 0)


ROBOT = "Здравствуйте! Это компания Финансовый контроль. Удобно ли вам сейчас говорить?"


def echo(s, rng):
    """The robot's greeting coming back 20-28 dB down, 120 ms late, from the answer on."""
    r = synth(("espeak", "m3", 160, 50), ROBOT)
    dur = len(r) / RATE
    return mix(s, silence(0.12) + r, -rng.uniform(20, 28)), "%.2f %s" % (dur, ROBOT)


BABBLE = [
    "Мама, где мои ключи, я опаздываю на работу, ты не видела?",
    "А вот и новости спорта. Сегодня сборная провела товарищеский матч.",
    "Ты купил хлеб? Я же просила зайти в магазин по дороге.",
    "Дети, идите ужинать, всё остывает, сколько можно звать!",
]


def background(s, rng, text):
    """Another voice under the answer: a relative, a television."""
    b = synth(("espeak", rng.choice(["f2", "m2", "f4"]), 170, 50), text)
    return mix(s, b, -rng.uniform(10, 16), int(rng.uniform(0, 0.4) * RATE))


# ---- texts ---------------------------------------------------------------------------
# Tuning pool (T) and held-out pool (H) were written together, before any classifier change,
# by the same author; H is used only by the held-out sources.

T = {
    "human": [
        ["Иванов слушает."], ["Алло, да, слушаю вас."], ["Да-да, алло, говорите, я слушаю."],
        ["Петрова. Слушаю."], ["Алло?", 0.9, "Алло, кто это?"], ["Да, что?"],
        ["Ну кто там опять звонит?"], ["Алё, слушаю."], ["Да, Николай, слушаю."],
        ["Алло.", 0.6, "Говорите, вас плохо слышно."], ["Слушаю, Смирнова."],
        ["Да, здравствуйте, я вас слушаю."], ["Алло, это кто?"], ["Ага, да, алло."],
        ["Алло?", "bg"], ["Да, слушаю.", "bg"],
    ],
    "voice_assistant": [
        "Здравствуйте, абонент сейчас не может ответить. Я его виртуальный секретарь, что ему передать?",
        "Вы позвонили Ольге. Я её голосовой помощник. Скажите, по какому вопросу звоните.",
        "Алло, я Маруся, помощник абонента. Представьтесь, пожалуйста.",
        "Абонент занят. С вами говорит его помощник, назовите себя и цель звонка.",
        "Добрый день! Это умный ассистент. Владелец номера не может подойти к телефону. Чем могу помочь?",
        "Да, слушаю. Это цифровой секретарь Алексея. Что передать?",
        "Номер абонента обслуживает голосовой помощник. Пожалуйста, назовите своё имя.",
        "Здравствуйте, я Олег, отвечаю на звонки вместо владельца. Кто вы и зачем звоните?",
    ],
    "machine": [
        ("Здравствуйте. Вы позвонили Андрею. Меня сейчас нет, оставьте сообщение после сигнала.", True),
        ("Привет, это Катя. Не могу говорить, наговори сообщение после гудка.", True),
        ("Абонент не может сейчас ответить. Оставьте голосовое сообщение после звукового сигнала.", True),
        ("Вы дозвонились в офис компании Стройсервис. Рабочий день окончен. Оставьте ваше сообщение.", True),
        ("Добрый день. Я перезвоню вам позже, оставьте номер и имя после сигнала.", True),
        ("Алло! Это автоответчик. Говорите после сигнала.", True),
        ("Голосовая почта абонента. Запишите сообщение после сигнала.", True),
        ("Это Сергей, сейчас за рулём. Перезвоню, как смогу.", False),
    ],
    "announcement": [
        "Аппарат абонента выключен или находится вне зоны действия сети.",
        "Абонент временно недоступен. Попробуйте позвонить позднее.",
        "Номер, который вы набрали, не существует. Проверьте правильность набора.",
        "Неправильно набран номер.",
        "Извините, на вашем счёте недостаточно средств для совершения звонка.",
        "Вызываемый абонент сейчас разговаривает. Оставайтесь на линии или перезвоните позже.",
        "Абонент не отвечает. Пожалуйста, перезвоните позднее.",
        "Связь с абонентом временно ограничена.",
    ],
}

H = {
    "human": [
        ["Кузнецов слушает."], ["Алло, алло, да, я слушаю вас внимательно."], ["Слушаю вас."],
        ["Да?", 1.0, "Говорите."], ["Приёмная, слушаю."], ["Да, Марина слушает."],
        ["Алло, кто говорит?"], ["Ну, алло."], ["Чего надо?"], ["Здравствуйте, слушаю."],
        ["Алло...", 0.7, "Алло, вас не слышно."], ["Да-да."], ["Фёдоров. Да."],
        ["Ало, слушаю вос."], ["Да, слушаю.", "bg"], ["Алло, говорите.", "bg"],
    ],
    "voice_assistant": [
        "Абонент не может ответить, с вами говорит его голосовой ассистент. Скажите, что передать.",
        "Здравствуйте! Вы позвонили Дмитрию, я его секретарь-робот. Как вас представить?",
        "Алло, это Алиса, помощница владельца номера. Что вы хотели?",
        "Добрый вечер, на звонки отвечает ассистент оператора. Представьтесь, пожалуйста.",
        "Да, я вас слушаю. Я бот-помощник, запишу ваше сообщение для хозяина телефона.",
        "Сейчас владелец номера недоступен, я его электронный секретарь. Назовите причину звонка.",
        "Привет, я Джой, помогаю отвечать на звонки. Кто звонит?",
        "Вас приветствует голосовой помощник абонента. Ваш звонок записывается.",
    ],
    "machine": [
        ("Вы позвонили Наталье. Оставьте, пожалуйста, сообщение после сигнала, и я перезвоню.", True),
        ("Здравствуйте, вы дозвонились до Виктора. Я не могу сейчас подойти, говорите после гудка.", True),
        ("Это автоответчик. Абонента нет дома, оставьте сообщение.", True),
        ("Компания Вектор. Офис закрыт. Пожалуйста, оставьте сообщение после сигнала.", True),
        ("Меня нет на месте, наговорите сообщение.", True),
        ("Голосовой ящик абонента. После сигнала начните запись.", True),
        ("Не могу ответить, напишите мне в мессенджер.", False),
        ("Привет! Я сейчас занят, перезвоню позже.", True),
    ],
    "announcement": [
        "Телефон абонента выключен или находится вне зоны обслуживания.",
        "Набранный номер не обслуживается.",
        "Абонент не может принять ваш вызов. Попробуйте позвонить позднее.",
        "Данный вид связи для абонента недоступен.",
        "Неверно набран номер. Проверьте номер и повторите вызов.",
        "Уважаемый абонент, ваш номер заблокирован. Обратитесь в справочную службу.",
        "Вызываемый номер временно не используется.",
        "Абонент находится в роуминге и не может ответить. Перезвоните позже.",
    ],
}

# Recorded Asterisk prompts with their spoken text (the prompts' Russian recordings).
AST_PROMPTS = {
    "human": [("hello",), ("privacy-thankyou",), ("vm-no",), ("one-moment-please",), ("hello", "one-moment-please")],
    "voice_assistant": [("priv-recordintro",)],
    "machine": [("vm-intro",), ("vm-nobodyavail",), ("vm-rec-busy",), ("vm-mailboxfull",)],
    "announcement": [("ss-noservice",), ("cannot-complete-as-dialed",), ("all-circuits-busy-now",), ("number-not-answering",),
                     ("check-number-dial-again",), ("feature-not-avail-line",), ("privacy-unident",)],
}
AST_TEXT = {
    "hello": "здравствуйте", "privacy-thankyou": "спасибо", "vm-no": "нет", "one-moment-please": "секундочку пожалуйста",
    "priv-recordintro": "пожалуйста представьтесь",
    "vm-intro": "оставьте сообщение после сигнала после этого нажмите решетку или повесьте трубку",
    "vm-nobodyavail": "в данный момент никто не может принять ваш звонок",
    "vm-rec-busy": "после сигнала произнесите свое сообщение при статусе занято нажмите решетку",
    "vm-mailboxfull": "извините но голосовой ящик абонента переполнен",
    "ss-noservice": "набранный вами номер отключен проверьте номер повторите попытку",
    "cannot-complete-as-dialed": "набранный номер не может быть вызван",
    "all-circuits-busy-now": "на данный момент все линии заняты",
    "number-not-answering": "номер не отвечает",
    "check-number-dial-again": "пожалуйста проверьте номер и наберите еще раз",
    "feature-not-avail-line": "эта услуга недоступна на данной линии",
    "privacy-unident": "набранный вами абонент не отвечает на звонки с неопределяемыми номерами",
}


class Source:
    def __init__(self, out, name, seed):
        self.dir, self.rng, self.n = os.path.join(out, name), random.Random(seed), 0

    def emit(self, label, body, text, lead, cond, law):
        """cond: set of condition names applied in this order: background is mixed by the
        caller; then level, noise, loss, echo, and the codec."""
        rng = self.rng
        s = silence(lead) + body + silence(0.2)
        s = s[: int(MAXS * RATE)]
        robot = None
        if "level" in cond:
            s = level(s, rng)
        if "noise" in cond:
            s = noise(s, rng, -rng.uniform(36, 46))
        if "loss" in cond:
            s = loss(s, rng, rng.uniform(0.02, 0.06))
        if "echo" in cond:
            s, robot = echo(s, rng)
        s = s[: int(MAXS * RATE)]
        if law:
            s = g711(s, law)
        self.n += 1
        name = "%s%02d%s" % (label[:2], self.n, "-" + "-".join(sorted(cond)) if cond else "")
        base = os.path.join(self.dir, label, name)
        write(base + ".wav", s)
        with open(base + ".txt", "w", encoding="utf-8") as f:
            f.write(text + "\n")
        if robot:
            with open(base + ".robot.txt", "w", encoding="utf-8") as f:
                f.write(robot + "\n")


def build(out, name, seed, pool, voices, beeps, conds, law):
    """conds: a function rng -> set of conditions for one file."""
    src = Source(out, name, seed)
    rng = src.rng
    v = lambda: voices[rng.randrange(len(voices))]
    for parts in pool["human"]:
        bg = parts[-1] == "bg"
        parts = parts[:-1] if bg else parts
        lead = rng.uniform(0.2, 1.3)
        a, text = spoken(v(), parts, MAXS - lead)
        if bg:
            a = background(a, rng, BABBLE[rng.randrange(len(BABBLE))])
        src.emit("human", a, text, lead, conds(rng), law)
    for t in pool["voice_assistant"]:
        lead = rng.uniform(0.2, 0.6)
        a, text = spoken(v(), [t], MAXS - lead)
        src.emit("voice_assistant", a, text, lead, conds(rng), law)
    for t, beep in pool["machine"]:
        lead = rng.uniform(0.2, 0.6)
        a, text = spoken(v(), [t], MAXS - lead)
        if beep:
            a += tone(beeps[rng.randrange(len(beeps))], rng.uniform(0.3, 0.7), -8)
        src.emit("machine", a, text, lead, conds(rng), law)
    for t in pool["announcement"]:
        lead = rng.uniform(0.2, 0.6)
        a = sit() if rng.random() < 0.5 else []
        b, text = spoken(v(), [t], MAXS - lead - len(a) / RATE)
        src.emit("announcement", a + b, text, lead, conds(rng), law)
    for _ in range(3):
        src.emit("silence", silence(4.0), "", 0.0, conds(rng) | ({"noise"} if rng.random() < 0.5 else set()), law)


def build_asterisk(out, seed):
    src = Source(out, "asterisk-line", seed)
    rng = src.rng
    line = lambda: {"level", "loss", "echo", "noise"} & set(rng.sample(["level", "loss", "echo", "noise", "none"], 2))
    for label, prompts in AST_PROMPTS.items():
        for ps in prompts:
            for _ in range(2 if label in ("human", "voice_assistant") else 1):
                a = []
                for i, p in enumerate(ps):
                    if i:
                        a += silence(rng.uniform(0.4, 0.8))
                    a += read(os.path.join(AST, p + ".wav"))
                if label == "machine":
                    a += tone(rng.choice([950, 1150, 1350]), 0.5, -8)
                if label == "announcement" and rng.random() < 0.5:
                    a = sit() + a
                lead = rng.uniform(0.3, 1.2) if label == "human" else rng.uniform(0.2, 0.5)
                words = " ".join(AST_TEXT[p] for p in ps)
                src.emit(label, a, words, lead, line(), "a")
    for _ in range(3):
        src.emit("silence", silence(4.0), "", 0.0, line(), "a")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "detect/testdata/sources"
    for t in ("espeak-ng", "text2wave", "sox"):
        if not shutil.which(t):
            sys.exit("gen-detect-sources: %s is not installed" % t)
    if AST is None:
        sys.exit("gen-detect-sources: asterisk-core-sounds-ru-wav is not installed")
    clean = lambda rng: {"noise"} if rng.random() < 0.33 else set()

    def phone(rng):
        c = set(rng.sample(["level", "loss", "echo", "noise"], rng.randint(1, 3)))
        return c

    esp = lambda vs, lo, hi: [("espeak", v, s, p) for v in vs for s, p in ((lo, 40), ((lo + hi) // 2, 60), (hi, 50))]
    build(out, "espeak-voices", 1, T, esp(["Andy", "klatt2", "m7", "f1"], 130, 210), [950, 1150, 1350], clean, None)
    build(out, "festival-g711", 2, T, [("festival", 0.9, 150), ("festival", 1.2, -150), ("festival", 1.05, 0)], [950, 1150, 1350], clean, "u")
    build_asterisk(out, 3)
    build(out, "phone-espeak", 4, T, esp(["grandpa", "Annie", "anxiousAndy"], 120, 200), [950, 1150, 1350], phone, "u")
    build(out, "heldout-espeak", 5, H, esp(["grandma", "Denis", "klatt4", "m8", "croak"], 125, 215), [800, 1300, 1550], clean, None)
    build(out, "heldout-phone", 6, H, [("festival", 0.85, 200), ("festival", 1.3, -100), ("festival", 1.0, 100)], [800, 1300, 1550], phone, "a")
    shutil.rmtree(TMP)


if __name__ == "__main__":
    main()
