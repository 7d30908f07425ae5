#!/usr/bin/env python3
"""A synthetic shop for the recommendation-serving benchmark: a catalog and a browsing history
in which people have tastes.

    python3 Benchmarks/generate_shop.py --items 20000 --people 20000 --views 15 --out DIR

writes DIR/items.jsonl and DIR/events.jsonl in the layout `barista import items|events FILE
--format jsonl` reads (one API object per line), and prints one line of JSON (counts, seconds)
on stdout. Standard library only; the same arguments and --seed give the same bytes.

Ids: items are sku-0 … sku-(ITEMS-1), people are u0 … u(PEOPLE-1); Benchmarks/wrk/*.lua pick
from the same ranges.

The catalog: ~200 categories (sizes skewed, the largest a few times the median), each selling
8 of ~500 brands; colours, log-normal prices around a per-category level, all in stock.

The history: every person views exactly VIEWS products. A person favours 1-3 categories (with
weights; popular categories are favoured more often); 85% of views come from them, each a draw
from a Zipf(1.0) popularity within the category; 10% are noise from the global popularity
(Zipf over every item) and 5% uniform over the catalog. About 1 view in 10 goes back to a
product the person already viewed. ORDER_SHARE (20%) of people also complete 1-3 orders of 1-3
products, mostly products they viewed before, each order after the views it buys from.
Timestamps (Unix seconds) spread each person's activity over the 60 days before --end, in order
per person; the file is sorted by timestamp as a real log would be.
"""

import argparse
import bisect
import itertools
import json
import os
import random
import sys
import time

DAY = 86_400

ADJECTIVES = ["Trail", "Urban", "Classic", "Studio", "Outdoor", "Travel", "Kids", "Home", "Garden", "Pro",
              "Vintage", "Smart", "Eco", "Sport", "Winter", "Summer", "Office", "Kitchen", "Baby", "Pet"]
NOUNS = ["Shoes", "Jackets", "Bags", "Lamps", "Mugs", "Chairs", "Watches", "Headphones", "Shirts",
         "Rugs", "Blankets", "Bottles", "Tents", "Toys", "Books", "Candles", "Knives", "Plants", "Socks", "Hats"]
COLORS = ["black", "white", "grey", "navy", "blue", "red", "green", "olive", "brown", "beige", "pink", "yellow"]
SYLLABLES = ["ka", "lo", "mi", "ra", "ven", "tor", "sel", "bri", "no", "qua", "zen", "fal", "dor", "ix",
             "ul", "pe", "sta", "mon", "ri", "ga"]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--items", type=int, default=20_000)
    p.add_argument("--people", type=int, default=20_000)
    p.add_argument("--views", type=int, default=15, help="views per person")
    p.add_argument("--categories", type=int, default=200)
    p.add_argument("--brands", type=int, default=500)
    p.add_argument("--order-share", type=float, default=0.2, help="share of people with orders")
    p.add_argument("--days", type=int, default=60)
    p.add_argument("--end", type=int, default=None,
                   help="Unix seconds of the end of the history (default: the start of today, UTC, "
                        "so that runs on the same day are byte-identical)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", default=".", help="directory for items.jsonl and events.jsonl")
    args = p.parse_args(argv)
    if args.items < 1 or args.people < 1 or args.views < 1 or args.categories < 1 or args.brands < 1:
        p.error("--items, --people, --views, --categories and --brands must be at least 1")
    args.categories = min(args.categories, args.items)
    if args.end is None:
        args.end = int(time.time()) // DAY * DAY
    return args


def cumulative(weights):
    return list(itertools.accumulate(weights))


def zipf_cumulative(n, s=1.0):
    return cumulative(1.0 / (r + 1) ** s for r in range(n))


def category_names(n, rng):
    pairs = [f"{a} {b}" for a in ADJECTIVES for b in NOUNS]
    rng.shuffle(pairs)
    return [pairs[i] if i < len(pairs) else f"Category {i}" for i in range(n)]


def brand_names(n, rng):
    names, seen = [], set()
    while len(names) < n:
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def make_catalog(args, rng):
    """Items, and per category the item indices in popularity order with their Zipf cumulative weights."""
    categories = category_names(args.categories, rng)
    brands = brand_names(args.brands, rng)
    # Category sizes: skewed weights; every category gets at least one item.
    size_cum = cumulative(1.0 / (c + 1) ** 0.5 for c in range(args.categories))
    item_category = list(range(args.categories)) + [
        bisect.bisect_left(size_cum, rng.random() * size_cum[-1]) for _ in range(args.items - args.categories)]
    rng.shuffle(item_category)
    category_brands = [rng.sample(range(args.brands), min(8, args.brands)) for _ in range(args.categories)]
    category_price = [round(rng.lognormvariate(3.3, 0.8), 2) for _ in range(args.categories)]

    members = [[] for _ in range(args.categories)]
    items = []
    for i, c in enumerate(item_category):
        members[c].append(i)
        brand = brands[rng.choice(category_brands[c])]
        color = rng.choice(COLORS)
        price = max(1.0, round(category_price[c] * rng.lognormvariate(0.0, 0.35), 2))
        items.append({"item_id": f"sku-{i}", "title": f"{brand} {categories[c]} {i}", "category": categories[c],
                      "brand": brand, "color": color, "price": price, "in_stock": True})
    popularity = []
    for c in range(args.categories):
        rng.shuffle(members[c])  # popularity rank is unrelated to the id
        popularity.append((members[c], zipf_cumulative(len(members[c]))))
    category_weight = [len(m) for m in members]
    return items, popularity, cumulative(category_weight)


def main(argv):
    args = parse_args(argv)
    started = time.perf_counter()
    rng = random.Random(args.seed)
    items, popularity, category_cum = make_catalog(args, rng)

    global_order = list(range(args.items))
    rng.shuffle(global_order)
    global_cum = zipf_cumulative(args.items)
    start = args.end - args.days * DAY
    span = args.days * DAY

    # Every event is one int, sorted by time: timestamp offset << 40 | kind << 39 | person << 20 | item,
    # where item is an order index for orders (kind 1). Fits people and items below 2**19 and 2**20.
    if args.people >= 1 << 19 or args.items >= 1 << 20:
        sys.exit("generate_shop.py: at most 524,287 people and 1,048,575 items")
    packed = []
    orders = []  # (products [(item, quantity)])
    rand, bisect_left = rng.random, bisect.bisect_left
    n_categories = len(popularity)
    for person in range(args.people):
        # Tastes: 1-3 categories, weighted 1, 1/2, 1/3.
        k = rng.choice((1, 1, 2, 2, 2, 3))
        tastes = []
        while len(tastes) < k:
            c = bisect_left(category_cum, rand() * category_cum[-1])
            if c not in tastes:
                tastes.append(c)
            if len(tastes) == n_categories:
                break
        taste_cum = cumulative(1.0 / (j + 1) for j in range(len(tastes)))
        # Activity: a first and last day within the window, views spread (sorted) between them.
        first = int(rand() * span * 0.9)
        last = first + int(rand() * (span - first))
        times = sorted(first + int(rand() * (last - first + 1)) for _ in range(args.views))
        viewed = []
        for t in times:
            u = rand()
            if viewed and u < 0.10:
                item = viewed[int(rand() * len(viewed))]
            elif u < 0.85:
                members, cum = popularity[tastes[bisect_left(taste_cum, rand() * taste_cum[-1])]]
                item = members[bisect_left(cum, rand() * cum[-1])]
            elif u < 0.95:
                item = global_order[bisect_left(global_cum, rand() * global_cum[-1])]
            else:
                item = int(rand() * args.items)
            viewed.append(item)
            packed.append(t << 40 | person << 20 | item)
        if rand() < args.order_share:
            n_orders = rng.choice((1, 1, 1, 2, 2, 3))
            for _ in range(n_orders):
                at = int(rand() * args.views)  # after the at-th view
                t = times[at] + 60 + int(rand() * 3600)
                if t >= span:
                    t = span - 1
                candidates = viewed[: at + 1]
                products = []
                for _ in range(rng.choice((1, 1, 2, 3))):
                    if rand() < 0.8:
                        item = candidates[int(rand() * len(candidates))]
                    else:
                        members, cum = popularity[tastes[0]]
                        item = members[bisect_left(cum, rand() * cum[-1])]
                    if all(item != p for p, _ in products):
                        products.append((item, rng.choice((1, 1, 1, 2))))
                packed.append(t << 40 | 1 << 39 | person << 20 | len(orders))
                orders.append(products)
    generated = time.perf_counter()
    packed.sort()

    os.makedirs(args.out, exist_ok=True)
    prices = [item["price"] for item in items]
    with open(os.path.join(args.out, "items.jsonl"), "w") as f:
        f.writelines(json.dumps(item, separators=(",", ":")) + "\n" for item in items)
    views = order_events = 0
    view_seq = {}
    mask20, mask19 = (1 << 20) - 1, (1 << 19) - 1
    with open(os.path.join(args.out, "events.jsonl"), "w", buffering=1 << 20) as f:
        out = []
        for p in packed:
            ts = start + (p >> 40)
            person = (p >> 20) & mask19
            index = p & mask20
            if p >> 39 & 1:
                products = orders[index]
                body = ",".join(f'{{"product_id":"sku-{i}","quantity":{q},"price":{prices[i]}}}' for i, q in products)
                revenue = round(sum(prices[i] * q for i, q in products), 2)
                out.append(f'{{"type":"track","event":"Order Completed","user_id":"u{person}","message_id":"o{index}",'
                           f'"timestamp":{ts},"properties":{{"order_id":"ord-{index}","revenue":{revenue},'
                           f'"currency":"USD","products":[{body}]}}}}\n')
                order_events += 1
            else:
                n = view_seq.get(person, 0)
                view_seq[person] = n + 1
                out.append(f'{{"type":"track","event":"Product Viewed","user_id":"u{person}","message_id":"v{person}-{n}",'
                           f'"timestamp":{ts},"properties":{{"product_id":"sku-{index}"}}}}\n')
                views += 1
            if len(out) >= 10_000:
                f.writelines(out)
                out.clear()
        f.writelines(out)
    finished = time.perf_counter()
    print(json.dumps({
        "items": args.items, "people": args.people, "views_per_person": args.views, "views": views,
        "orders": order_events, "people_with_orders": len({(p >> 20) & mask19 for p in packed if p >> 39 & 1}),
        "events": views + order_events, "categories": len(popularity), "brands": args.brands,
        "seed": args.seed, "start": start, "end": args.end,
        "generate_seconds": round(generated - started, 3), "seconds": round(finished - started, 3),
        "items_file": os.path.join(args.out, "items.jsonl"), "events_file": os.path.join(args.out, "events.jsonl"),
    }, separators=(",", ":")))


if __name__ == "__main__":
    main(sys.argv[1:])
