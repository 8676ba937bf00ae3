"""Generates instatui's demo pictures: simple procedural landscapes and shapes."""
import math, random
from PIL import Image, ImageDraw, ImageFilter

import os
OUT = os.path.dirname(os.path.abspath(__file__)) + "/"
W = H = 320

def lerp(a, b, t):
    return tuple(int(a[i] + (b[i] - a[i]) * t) for i in range(3))

def sky(img, top, bottom):
    d = ImageDraw.Draw(img)
    for y in range(img.height):
        d.line([(0, y), (img.width, y)], fill=lerp(top, bottom, y / img.height))

def mountains(img, rng, color, base, amp, seed_shift):
    d = ImageDraw.Draw(img)
    pts = [(0, img.height)]
    for x in range(0, img.width + 8, 8):
        y = base - amp * (0.6 * math.sin(x / 47 + seed_shift) + 0.4 * math.sin(x / 19 + 2 * seed_shift)) - rng.random() * 6
        pts.append((x, y))
    pts.append((img.width, img.height))
    d.polygon(pts, fill=color)

def larches(img, rng, n, color, ybase):
    d = ImageDraw.Draw(img)
    for _ in range(n):
        x = rng.randrange(0, img.width); h = rng.randrange(25, 60); w = h // 3
        y = ybase + rng.randrange(0, 30)
        d.polygon([(x, y - h), (x - w // 2, y), (x + w // 2, y)], fill=color)

def lake_morning(rng):
    img = Image.new("RGB", (W, H)); sky(img, (250, 200, 150), (170, 190, 220))
    mountains(img, rng, (110, 120, 150), 170, 40, 1.0)
    mountains(img, rng, (70, 85, 95), 200, 25, 2.2)
    d = ImageDraw.Draw(img); d.rectangle([0, 215, W, H], fill=(120, 150, 180))
    for y in range(220, H, 6):
        d.line([(rng.randrange(0, 80), y), (rng.randrange(200, W), y)], fill=(150, 175, 200))
    larches(img, rng, 14, (200, 150, 40), 195)
    return img.filter(ImageFilter.SMOOTH)

def sunset_ridge(rng):
    img = Image.new("RGB", (W, H)); sky(img, (60, 30, 90), (250, 120, 60))
    d = ImageDraw.Draw(img); d.ellipse([190, 120, 250, 180], fill=(255, 210, 120))
    mountains(img, rng, (40, 25, 50), 200, 55, 0.3)
    larches(img, rng, 10, (25, 15, 30), 250)
    return img

def night_stars(rng):
    img = Image.new("RGB", (W, H)); sky(img, (5, 10, 35), (30, 40, 90))
    d = ImageDraw.Draw(img)
    for _ in range(160):
        x, y = rng.randrange(W), rng.randrange(220); b = rng.randrange(150, 256)
        d.point((x, y), fill=(b, b, b))
    d.ellipse([40, 40, 80, 80], fill=(240, 240, 210)); d.ellipse([52, 36, 92, 76], fill=(12, 18, 45))
    mountains(img, rng, (10, 15, 25), 240, 30, 3.1)
    return img

def forest_fog(rng):
    img = Image.new("RGB", (W, H)); sky(img, (200, 205, 200), (150, 165, 155))
    for layer, col in enumerate([(120, 140, 125), (80, 105, 85), (40, 65, 45)]):
        larches(img, rng, 25, col, 140 + layer * 55)
    return img.filter(ImageFilter.GaussianBlur(1.2))

def autumn_gradient(rng):
    img = Image.new("RGB", (W, 256))
    d = ImageDraw.Draw(img)
    for x in range(W):
        d.line([(x, 0), (x, 256)], fill=lerp((220, 90, 30), (250, 210, 70), x / W))
    for _ in range(30):
        x, y, r = rng.randrange(W), rng.randrange(256), rng.randrange(4, 14)
        d.ellipse([x - r, y - r // 2, x + r, y + r // 2], fill=(140, 50, 20))
    return img

def snowfield(rng):
    img = Image.new("RGB", (256, 320)); sky(img, (150, 190, 240), (230, 240, 250))
    mountains(img, rng, (245, 248, 252), 190, 60, 1.7)
    mountains(img, rng, (215, 225, 240), 250, 20, 0.9)
    return img

def shapes_png(rng):
    img = Image.new("RGB", (240, 240), (245, 240, 230))
    d = ImageDraw.Draw(img)
    palette = [(30, 90, 120), (230, 120, 60), (240, 200, 80), (90, 150, 100)]
    d.ellipse([30, 30, 130, 130], fill=palette[0])
    d.rectangle([110, 100, 210, 200], fill=palette[1])
    d.polygon([(40, 210), (100, 140), (160, 210)], fill=palette[2])
    d.line([(20, 225), (220, 225)], fill=palette[3], width=6)
    return img.quantize(colors=16)

rng = random.Random(20261120)
jobs = [
    ("lake_morning.jpg", lake_morning), ("sunset_ridge.jpg", sunset_ridge),
    ("night_stars.jpg", night_stars), ("forest_fog.jpg", forest_fog),
    ("autumn_gradient.jpg", autumn_gradient), ("snowfield.jpg", snowfield),
]
for name, fn in jobs:
    fn(rng).save(OUT + name, "JPEG", quality=62, optimize=True, progressive=False)
shapes_png(rng).save(OUT + "shapes.png", "PNG", optimize=True)
