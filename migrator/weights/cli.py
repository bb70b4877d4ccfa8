"""``tflearn-migrate weights`` and ``tflearn-migrate verify``.

    tflearn-migrate weights CHECKPOINT --model MIGRATED:BUILDER --out FILE.weights.h5
                            [--meta FILE.meta] [--ignore REGEX]... [--show]

Exit codes: 0 ok; 1 the checkpoint does not match the model (nothing written) or verify
found a difference; 2 usage error / missing file.
"""
from __future__ import annotations

import argparse
import os
import sys

EXIT_OK, EXIT_MISMATCH, EXIT_USAGE = 0, 1, 2


def weights_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="tflearn-migrate weights",
        description="Convert a TF1 / tflearn checkpoint into Keras weights for the migrated model. "
                    "Every legacy model variable must land in exactly one Keras weight with the "
                    "same shape; otherwise nothing is written.")
    p.add_argument("checkpoint", help="checkpoint prefix (model.tfl), its .index/.meta file, or a directory")
    p.add_argument("--model", required=True, metavar="MODULE:BUILDER",
                   help="the migrated model: path/module.py:builder, package.module:builder, "
                        "or script.py (the model of its first fit/train_on_batch call)")
    p.add_argument("--out", required=True, help="where to write the Keras weights (.weights.h5)")
    p.add_argument("--meta", help="MetaGraph file (default: CHECKPOINT.meta when present)")
    p.add_argument("--ignore", action="append", default=[], metavar="REGEX",
                   help="legacy variables to ignore (repeatable)")
    p.add_argument("--show", action="store_true", help="print the full mapping")
    return p


def weights_main(argv: list[str]) -> int:
    args = weights_parser().parse_args(argv)
    if not args.out.endswith(".weights.h5"):
        print("tflearn-migrate weights: --out must end in .weights.h5", file=sys.stderr)
        return EXIT_USAGE
    os.environ.pop("TF_USE_LEGACY_KERAS", None)
    from .checkpoint import read_checkpoint
    from .keras_side import apply, klayers, load_model
    from .mapping import MappingError, plan

    try:
        lv = read_checkpoint(args.checkpoint, args.meta)
    except (FileNotFoundError, ValueError) as ex:
        print(f"tflearn-migrate weights: {ex}", file=sys.stderr)
        return EXIT_USAGE
    model = load_model(args.model)
    p = plan(lv, klayers(model), args.ignore)
    if args.show or not p.complete:
        print(f"mapping {lv.source} -> {args.model} "
              f"(variable order {'from the .meta graph' if lv.order_known else 'by name'}):")
        print("\n".join(p.lines()))
    try:
        apply(p)
    except MappingError as ex:
        print(f"tflearn-migrate weights: {ex}", file=sys.stderr)
        return EXIT_MISMATCH
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    model.save_weights(args.out)
    n = sum(len(a.legacy) for a in p.assignments)
    print(f"wrote {args.out}: {n} legacy variables -> {len(p.assignments)} Keras layers "
          f"({len(p.ignored)} non-model variables ignored)")
    return EXIT_OK


def main(name: str, argv: list[str]) -> int:
    if name == "weights":
        return weights_main(argv)
    if name == "verify":
        try:
            from .verify import verify_main
        except ImportError:
            print("tflearn-migrate verify: not available in this version yet", file=sys.stderr)
            return EXIT_USAGE
        return verify_main(argv)
    print(f"tflearn-migrate: unknown weights command {name}", file=sys.stderr)
    return EXIT_USAGE
