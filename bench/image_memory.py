"""Peak memory of making renditions for a large image: `python bench/image_memory.py`.

Makes a 25-megapixel JPEG and PNG (Pillow), then, in a fresh process for each,
runs `digest.images.make_rendition_files` on it and prints the process's resident
memory before and at its peak (VmHWM). Prints figures; never fails on them.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = (6124, 4082)  # 25.0 megapixels


def status_mb(field: str) -> float:
    """A memory figure of this process from /proc: VmRSS now, VmHWM its peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def child(media: str, name: str) -> None:
    """Make the renditions of MEDIA/NAME and print {"before": MB, "peak": MB}."""
    import django
    from django.conf import settings

    settings.configure(MEDIA_ROOT=media, MEDIA_URL="/media/", USE_I18N=False)
    django.setup()
    from django.core.files.storage import FileSystemStorage
    from PIL import Image

    from digest.images import make_rendition_files

    storage = FileSystemStorage(location=media)
    with Image.open(Path(media) / name) as image:
        size = image.size
    before = status_mb("VmRSS")
    created = make_rendition_files(storage, name, size)
    # VmHWM, not ru_maxrss: that one counts the parent's memory copied at fork.
    peak = status_mb("VmHWM")
    print(json.dumps({"before": before, "peak": peak, "files": len(created)}))


def make_images(media: Path) -> list[str]:
    from PIL import Image, ImageDraw

    image = Image.radial_gradient("L").resize(SIZE).convert("RGB")
    ImageDraw.Draw(image).rectangle((100, 100, 3000, 2000), fill=(200, 40, 40))
    image.save(media / "photo.jpg", quality=85)
    image.save(media / "flat.png", compress_level=1)
    image.putalpha(200)
    image.save(media / "alpha.png", compress_level=1)
    return ["photo.jpg", "flat.png", "alpha.png"]


def run(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, __file__, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def make_images_elsewhere(media: Path) -> list[str]:
    """make_images in another process, so this one stays small."""
    return json.loads(run("--make", str(media)))


def measure(media: Path, name: str) -> dict:
    """Renditions of MEDIA/NAME made in a fresh process: its memory figures."""
    return json.loads(run("--child", str(media), name))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        media = Path(tmp)
        for name in make_images_elsewhere(media):
            figures = measure(media, name)
            print(
                f"{name:10} {SIZE[0]}x{SIZE[1]}: {figures['files']} renditions, "
                f"RSS {figures['before']:.0f} MB before, peak {figures['peak']:.0f} MB "
                f"(+{figures['peak'] - figures['before']:.0f} MB)"
            )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["--make"]:
        print(json.dumps(make_images(Path(sys.argv[2]))))
    else:
        main()
