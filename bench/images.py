"""How long the rendition set of a 24-megapixel JPEG takes and how much memory it needs, next
to the floor: plain Pillow opening and saving the same file once.

    python bench/images.py

Self-contained: a temporary folder holds the master, MEDIA_ROOT and an SQLite database; your
settings and data are not touched. Each measurement runs in a fresh Python process, so that
peak memory (getrusage's maxrss) belongs to that measurement alone, and runs twice: timed
without tracemalloc (which slows Python code down), then again to trace Python allocations.
"""

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the bench package importable

from bench import setup_scratch_django  # noqa: E402

SIZE = (6000, 4000)
PAGE_PICTURES = 25  # a home page: five top stories and twenty cards


def make_master(path):
    """A photo-like JPEG: gradients, shapes with edges and sensor-like noise, so that it
    compresses like a real one (random noise alone or flat colour would not)."""
    from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

    rng = random.Random(24)
    sky = ImageOps.colorize(
        Image.linear_gradient("L").resize(SIZE), (25, 45, 95), (245, 205, 160)
    )
    light = Image.radial_gradient("L").resize(SIZE)
    picture = Image.composite(sky, ImageOps.colorize(light, "white", (40, 30, 20)), light)
    draw = ImageDraw.Draw(picture)
    for _ in range(400):
        x, y = rng.randrange(SIZE[0]), rng.randrange(SIZE[1] // 3, SIZE[1])
        w, h = rng.randrange(40, 900), rng.randrange(40, 700)
        colour = tuple(rng.randrange(256) for _ in range(3))
        shape = rng.choice([draw.rectangle, draw.ellipse])
        shape([x, y, x + w, y + h], fill=colour, outline=(0, 0, 0), width=rng.randrange(1, 6))
    picture = picture.filter(ImageFilter.GaussianBlur(1.2))  # lens softness
    noise = Image.merge("RGB", [Image.effect_noise(SIZE, 9) for _ in range(3)])
    picture = ImageChops.add(picture, noise, scale=1.0, offset=-128)
    picture.save(path, "JPEG", quality=92)


def rss_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measure(work, trace):
    """Run work() once: seconds and peak RSS above the start, or the tracemalloc peak."""
    if trace:
        tracemalloc.start()
        result = work()
        return {"traced": tracemalloc.get_traced_memory()[1], "result": result}
    start_rss = rss_bytes()
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    return {"seconds": seconds, "rss": max(0, peak_rss - start_rss), "result": result}


def phase(name, workdir, trace):
    """One measurement, in this (fresh) process; prints its figures as JSON."""
    master = Path(workdir) / "master.jpg"
    if name == "master":
        make_master(master)
        return
    if name == "floor":
        from PIL import Image

        def work():
            with Image.open(master) as picture:
                picture.save(Path(workdir) / "floor.jpg", "JPEG")

        print(json.dumps(measure(work, trace)))
        return

    setup_scratch_django(workdir)
    from django.core.files import File
    from django.core.management import call_command

    from articles import renditions
    from articles.models import Image, Rendition

    if name == "setup":
        call_command("migrate", verbosity=0)
        image = Image(alt_text="Harbour at dusk", credit="Bench", focal_x=0.3, focal_y=0.6)
        with master.open("rb") as handle:
            image.file.save("master.jpg", File(handle), save=True)
        return
    image = Image.objects.get()
    renditions.forget(Rendition.objects.all())

    if name == "set":

        def work():
            return renditions.rebuild(image).made

    elif name == "page":
        from django.template import Context, Template

        template = Template(
            "{% load pictures %}{% for image in images %}"
            '{% picture image crop="3:2" sizes="8rem" %}{% endfor %}'
        )
        images = [image] * PAGE_PICTURES
        template.render(Context({"images": images}))  # compile and warm up

        def work():
            return len(template.render(Context({"images": images})))

    else:
        from django.test import Client

        crop, width, fmt = name.split(":")
        address = renditions.url(image, renditions.Spec(crop, int(width)), fmt)

        def work():
            response = Client().get(address)
            assert response.status_code == 200, response.status_code
            return len(b"".join(response.streaming_content))

    figures = measure(work, trace)
    if name == "set":
        sizes = {}
        for row in Rendition.objects.all():
            sizes[row.format] = sizes.get(row.format, 0) + row.file.size
        figures["sizes"] = sizes
        assert Rendition.objects.count() == figures["result"]
    print(json.dumps(figures))


def run(name, workdir, trace=False):
    output = subprocess.run(
        [sys.executable, __file__, "--trace" if trace else "--phase", name, workdir],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output) if output.strip() else None


def measured(name, workdir):
    return run(name, workdir) | run(name, workdir, trace=True)


def megabytes(count):
    return f"{count / 1e6:.1f} MB"


def main():
    from PIL import __version__ as pillow_version

    with tempfile.TemporaryDirectory(prefix="bench-images-", dir="/tmp") as workdir:
        master = Path(workdir) / "master.jpg"
        run("master", workdir)  # in its own process: this one stays small (see maxrss)
        run("setup", workdir)
        rows = [
            ("floor: Pillow opens and saves the master once", measured("floor", workdir)),
            ("the full rendition set, one decode", measured("set", workdir)),
            ("first request: full-800 AVIF", measured("full:800:avif", workdir)),
            ("first request: full-1600 WebP", measured("full:1600:webp", workdir)),
            ("first request: 3x2-400 JPEG (a card)", measured("3x2:400:jpg", workdir)),
            ("first request: social card 1200×630 JPEG", measured("social:1200:jpg", workdir)),
            (
                f"page: {PAGE_PICTURES} <picture> tags, no renditions yet",
                measured("page", workdir),
            ),
        ]
        print(
            f"Master: {SIZE[0]}×{SIZE[1]} JPEG ({SIZE[0] * SIZE[1] / 1e6:.0f} MP), "
            f"{megabytes(master.stat().st_size)}; Pillow {pillow_version}, "
            f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
        )
        print()
        print(f"{'':52} {'time':>9} {'peak RSS':>10} {'tracemalloc':>12}")
        for label, figures in rows:
            seconds = figures["seconds"]
            time_text = f"{seconds:.2f} s" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"
            print(
                f"{label:52} {time_text:>9} {megabytes(figures['rss']):>10} "
                f"{megabytes(figures['traced']):>12}"
            )
        made = rows[1][1]
        sizes = ", ".join(f"{fmt} {megabytes(size)}" for fmt, size in sorted(made["sizes"].items()))
        print()
        print(f"The set: {made['result']} files ({sizes}).")
        print(
            "peak RSS: the process's high-water mark above its size at the start (what the "
            "decoder and encoders hold); tracemalloc: Python-level allocations only."
        )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] in ("--phase", "--trace"):
        phase(sys.argv[2], sys.argv[3], trace=sys.argv[1] == "--trace")
    else:
        main()
