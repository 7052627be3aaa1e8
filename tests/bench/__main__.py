"""Run every benchmark module of this folder (``python -m tests.bench``)."""

import importlib
import pkgutil

import tests.bench as package


def main() -> None:
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("bench_"):
            print(f"== {module.name}", flush=True)
            importlib.import_module(f"tests.bench.{module.name}").run()


if __name__ == "__main__":
    main()
