#!/usr/bin/env python3
"""Generates N varied synthetic reports for the batch benchmark and tests, deterministically.

    bench/gen_reports.py OUT_DIR [-n 1000] [--seed 1] [--broken K]

Writes OUT_DIR/region<R>/county<C>/r<NNNNN>.json (10 reports a county, 10 counties a region).
The same arguments always give the same bytes (Python 3 stdlib only, seeded RNG).

Variety: both statute formats (2019 for years 2019-2020, 2021 for 2021-2024), short (a few
paragraphs) and long (dozens of paragraphs, several pages) prose drawn from the paragraphs of
examples/*.json, small and very large counts (up to hundreds of millions per cell), null cells in
表二 (as in archive reports), totals sometimes omitted (computed by nianbao), signed changes and
amounts. Every report satisfies identities I-1...I-4, so it renders without --as-published.

--broken K breaks K of the reports (chosen by the seed), cycling through: JSON syntax error,
identity I-1 failure, unknown field, a count given as text, invalid UTF-8. Their paths are
listed in OUT_DIR/broken.txt (not a .json file, so batch ignores it).
"""

import argparse
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PER_COUNTY = 10
PER_REGION = 10  # counties

CITIES = ["淄博", "平潭", "淮安", "泉州", "洛阳", "绵阳", "宜昌", "赣州", "柳州", "遵义", "曲靖", "天水", "榆林",
          "常德", "九江", "大理", "喀什", "铁岭", "盐城", "湖州"]
COUNTIES = ["东城", "西湖", "南山", "北塘", "中和", "清河", "永安", "长乐", "福田", "临川", "安宁", "新华", "太平",
            "金水", "龙泉", "石门", "白云", "青山", "桃源", "丰泽"]
BODIES = ["人民政府办公室", "发展和改革局", "教育局", "公安局", "民政局", "财政局", "自然资源局", "生态环境局",
          "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局", "卫生健康委员会",
          "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局", "人民防空办公室", "林业局", "司法局"]


def load_pools():
    """Paragraphs (strings) and level-2 headings from the example reports, by section."""
    pools = {"overview": [], "problems": [], "other": [], "preamble": [], "headings": []}
    for f in sorted((ROOT / "examples").glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        pools["preamble"] += [p for p in d.get("preamble", []) if isinstance(p, str)]
        for sec, blocks in d["sections"].items():
            for b in blocks:
                if isinstance(b, str):
                    pools[sec].append(b)
                elif isinstance(b, dict) and b.get("level") == 2:
                    pools["headings"].append(b["heading"])
    return pools


def load_template(fmt):
    t = json.loads((ROOT / "templates" / f"{fmt}.json").read_text(encoding="utf-8"))
    kinds = {}
    for table in t["tables"]:
        for row in table["rows"]:
            for c in row["cells"]:
                if "key" in c:
                    kinds[c["key"]] = c["kind"]
    defs = []  # (total key, part keys) from single-term identities
    i1 = None
    for ident in t["identities"]:
        for x in ident["for_each"]:
            lhs = [k.replace("{}", x) for k in ident["lhs"]]
            rhs = [k.replace("{}", x) for k in ident["rhs"]]
            if len(lhs) == 1:
                defs.append((lhs[0], rhs))
        if ident["id"] == "I-1":
            i1 = ident
    return kinds, defs, i1


def count(rng, big):
    r = rng.random()
    if big and r < 0.15:
        return rng.randrange(10**6, 5 * 10**8)
    if r < 0.45:
        return 0
    if r < 0.85:
        return rng.randrange(1, 20)
    return rng.randrange(20, 5000)


def cells(rng, fmt, kinds, defs, i1, big):
    v = {}
    for k, kind in kinds.items():
        if kind == "count":
            v[k] = count(rng, big)
        elif kind == "signed":
            v[k] = rng.randrange(-50, 51)
        elif kind == "amount":
            v[k] = f"{rng.randrange(0, 10**7)}.{rng.randrange(0, 100):02d}" if rng.random() < 0.8 else "0"
    totals = [d[0] for d in defs]

    def compute():
        # Totals defined from other totals come out once their parts are known.
        for k in [k for k in v if kinds[k] == "total"]:
            del v[k]
        for _ in range(len(defs)):
            for t, parts in defs:
                if t not in v and all(p in v for p in parts):
                    v[t] = sum(v[p] for p in parts)

    # I-1 per column: new + carried_over = results.total + carried_forward.
    compute()
    for col in i1["for_each"]:
        if col == "total":
            continue
        new, co = f"requests.new.{col}", f"requests.carried_over.{col}"
        res, cf = f"requests.results.total.{col}", f"requests.carried_forward.{col}"
        need = v[res] + v[cf] - v[co]
        if need < 0:
            v[cf] += -need
            need = 0
        v[new] = need
    compute()
    # Archive-style gaps: null cells in 表二, outside every identity.
    null_ok = [k for k in kinds if k.startswith("proactive.") and k not in totals]
    if rng.random() < 0.3:
        for k in rng.sample(null_ok, rng.randrange(1, min(8, len(null_ok)))):
            v[k] = None
    # Some writers omit totals and let nianbao compute them.
    omit = rng.random() < 0.25
    return {k: x for k, x in v.items() if not (omit and kinds[k] == "total")}


def nest(flat):
    out = {}
    for key, val in flat.items():
        parts = key.split(".")
        d = out
        for p in parts[:-1]:
            d = d.setdefault(p, {})
        d[parts[-1]] = val
    return out


def prose(rng, pools, sec, long):
    pool = pools[sec]
    if sec != "overview":
        n = rng.randrange(4, 12) if long else rng.randrange(1, 3)
        return [rng.choice(pool) for _ in range(n)]
    n = rng.randrange(25, 60) if long else rng.randrange(2, 6)
    out = []
    for i in range(n):
        if long and i % 6 == 1:
            out.append({"heading": rng.choice(pools["headings"]), "level": 2})
        out.append(rng.choice(pool))
    return out


def report(rng, idx, region, county, pools, templates):
    year = rng.choice([2019, 2020, 2021, 2022, 2023, 2024])
    fmt = "2019" if year <= 2020 else "2021"
    city, cty = CITIES[region % len(CITIES)], COUNTIES[county % len(COUNTIES)]
    body = BODIES[idx % len(BODIES)]
    agency = f"{city}市{cty}区{body}"
    long = rng.random() < 0.3
    big = rng.random() < 0.3
    kinds, defs, i1 = templates[fmt]
    r = {
        "format": fmt,
        "year": year,
        "agency": agency,
        "title": [agency, f"{year}年政府信息公开工作年度报告"],
    }
    if rng.random() < 0.5:
        r["date"] = f"{year + 1}-01-{rng.randrange(10, 29):02d}"
    r["preamble"] = [rng.choice(pools["preamble"]) for _ in range(rng.randrange(1, 4))]
    r["sections"] = {
        "overview": prose(rng, pools, "overview", long),
        "problems": prose(rng, pools, "problems", long),
        "other": prose(rng, pools, "other", long) if rng.random() < 0.7 else ["无"],
    }
    r.update(nest(cells(rng, fmt, kinds, defs, i1, big)))
    return r


def break_report(kind, r, text):
    """Returns the bytes of a broken version of a report."""
    if kind == 0:  # JSON syntax: truncated
        return text[: len(text) // 2].encode("utf-8")
    if kind == 1:  # identity I-1 fails
        r = json.loads(text)
        r["requests"]["new"]["natural"] = (r["requests"]["new"].get("natural") or 0) + 7
        return json.dumps(r, ensure_ascii=False, indent=1).encode("utf-8")
    if kind == 2:  # unknown field
        r = json.loads(text)
        r["agnecy_code"] = "X-1"
        return json.dumps(r, ensure_ascii=False, indent=1).encode("utf-8")
    if kind == 3:  # a count given as text
        r = json.loads(text)
        r["review_litigation"]["review"]["upheld"] = "三"
        return json.dumps(r, ensure_ascii=False, indent=1).encode("utf-8")
    return b"\xff\xfe" + text.encode("utf-8")  # not UTF-8


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--broken", type=int, default=0, metavar="K")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    pools = load_pools()
    templates = {f: load_template(f) for f in ("2019", "2021")}
    broken = set(random.Random(a.seed + 1).sample(range(a.n), min(a.broken, a.n)))
    listed = []
    for i in range(a.n):
        county_no = i // PER_COUNTY
        region, county = county_no // PER_REGION + 1, county_no % PER_REGION + 1
        rel = Path(f"region{region}") / f"county{county}" / f"r{i + 1:05d}.json"
        r = report(rng, i, region, county, pools, templates)
        text = json.dumps(r, ensure_ascii=False, indent=1) + "\n"
        data = text.encode("utf-8")
        if i in broken:
            data = break_report(len(listed) % 5, r, text)
            listed.append(str(rel))
        p = a.out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "broken.txt").write_text("".join(x + "\n" for x in listed), encoding="utf-8")
    print(f"wrote {a.n} reports to {a.out} ({len(listed)} broken, listed in broken.txt)")


if __name__ == "__main__":
    main()
