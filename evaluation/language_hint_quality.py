"""How often ``textclean.latin_language_hint`` flags English text, and whether it names other languages.

``detect_language`` counts scripts, so Spanish, French, German ... tickets are "en"; ingest warns when
``latin_language_hint`` says a customer turn looks like one of them (kept and processed as English). A
warning that fires on English would be noise, so the false-alarm rate is measured on every English set in
``../shared/data`` (real text): Banking77 train + test, GoEmotions train (Reddit), STC-3 English turns,
USS user/system turns (MultiWOZ, SGD, ReDial, CCPE). The hit side has no real data here: 24 hand-written
complaints (4 per language, SYNTHETIC, in this file).

Usage::

    python evaluation/language_hint_quality.py [--data-dir ../shared/data] [--out evaluation/results/...json]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

_REPO = Path(__file__).resolve().parents[1]
if str(_REPO / "src") not in sys.path:
    sys.path.insert(0, str(_REPO / "src"))

from voc_miner.textclean import latin_language_hint  # noqa: E402

#: Hand-written customer complaints (synthetic), four per language.
SAMPLES: dict[str, list[str]] = {
    "es": [
        "Mi pedido no ha llegado todavía y el seguimiento no se actualiza desde hace una semana",
        "Hola, quiero devolver la camiseta porque la talla es demasiado pequeña",
        "Me cobraron dos veces el mismo pedido y nadie me responde",
        "La caja llegó rota y el jarrón estaba hecho pedazos",
    ],
    "fr": [
        "Bonjour, ma commande est arrivée cassée et je voudrais être remboursé",
        "Le colis n'est toujours pas arrivé, le suivi ne bouge plus depuis lundi",
        "J'ai été débité deux fois pour la même commande",
        "La taille est beaucoup trop petite, je veux échanger contre une taille au-dessus",
    ],
    "de": [
        "Meine Bestellung ist noch nicht angekommen und die Sendungsverfolgung zeigt nichts an",
        "Das Paket war beschädigt, ich möchte mein Geld zurück",
        "Die App stürzt jedes Mal ab, wenn ich bezahlen will",
        "Ich habe die Rücksendung vor zwei Wochen geschickt und noch keine Erstattung bekommen",
    ],
    "it": [
        "Il mio ordine non è ancora arrivato e il tracciamento non si aggiorna",
        "Il pacco è arrivato danneggiato e voglio un rimborso",
        "Mi avete addebitato due volte lo stesso ordine",
        "La taglia è troppo piccola, vorrei cambiarla con una più grande",
    ],
    "pt": [
        "Meu pedido ainda não chegou e o rastreamento não atualiza há uma semana",
        "A caixa chegou amassada e o produto estava quebrado",
        "Fui cobrado duas vezes pelo mesmo pedido e ninguém me responde",
        "O tamanho é muito pequeno, quero trocar por um maior",
    ],
    "nl": [
        "Mijn bestelling is nog steeds niet aangekomen en de tracking werkt niet",
        "Het pakket was beschadigd en ik wil mijn geld terug",
        "Ik heb twee keer betaald voor dezelfde bestelling",
        "De maat is veel te klein, ik wil hem ruilen voor een grotere",
    ],
}


def english_sets(data_dir: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    b77 = data_dir / "banking77"
    if b77.is_dir():
        out["banking77 (train+test)"] = [
            r["text"]
            for f in ("train.csv", "test.csv")
            for r in csv.DictReader((b77 / f).read_text(encoding="utf-8").splitlines())
        ]
    go = data_dir / "goemotions_en" / "original" / "train.tsv"
    if go.is_file():
        out["goemotions train"] = [ln.split("\t")[0] for ln in go.read_text(encoding="utf-8").splitlines() if ln]
    stc = data_dir / "stc3_helpdesk_zh_en" / "train_data_en.json"
    if stc.is_file():
        turns = [t for d in json.loads(stc.read_text(encoding="utf-8")) for t in d["turns"]]
        out["stc3 en turns"] = [u for t in turns for u in (t["utterances"] if isinstance(t["utterances"], list)
                                                            else [t["utterances"]])]
    uss = data_dir / "uss_satisfaction_en"
    if uss.is_dir():
        rows: list[str] = []
        for f in sorted(uss.glob("*.txt")):
            if f.name in ("SOURCE.txt", "JDDC-ActionList.txt"):
                continue
            rows += [p[1] for ln in f.read_text(encoding="utf-8", errors="replace").splitlines()
                     if len(p := ln.split("\t")) > 1]
        out["uss en turns"] = rows
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=_REPO.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=_REPO / "evaluation" / "results" / "language_hint_quality.json")
    args = ap.parse_args(argv)
    res: dict[str, Any] = {"english_false_alarms": {}, "samples": {}}
    sets = english_sets(args.data_dir) if args.data_dir.is_dir() else {}
    if not sets:
        print(f"no English sets under {args.data_dir}; false alarms not measured")
    print(f"{'English set':28} {'texts':>8} {'flagged':>8} {'rate':>9}  examples")
    for name, texts in sets.items():
        flagged = [(t, h) for t in texts if (h := latin_language_hint(t))]
        res["english_false_alarms"][name] = {"n": len(texts), "flagged": len(flagged),
                                             "examples": [[t, h] for t, h in flagged[:5]]}
        print(f"{name:28} {len(texts):>8} {len(flagged):>8} {len(flagged) / max(len(texts), 1):>9.5f}  "
              f"{[h for _, h in flagged[:5]]}")
    print(f"\n{'language (synthetic)':28} {'texts':>8} {'named':>8}")
    for lang, texts in SAMPLES.items():
        got = [latin_language_hint(t) for t in texts]
        named = sum(g == lang for g in got)
        res["samples"][lang] = {"n": len(texts), "named_correctly": named, "got": got}
        print(f"{lang:28} {len(texts):>8} {named:>8}")
    doc = {"script": "evaluation/language_hint_quality.py", "date": dt.date.today().isoformat(), "results": res}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
