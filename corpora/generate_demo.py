#!/usr/bin/env python3
"""Generate the SYNTHETIC bilingual demo corpus shipped with voc_miner.

Everything written by this script is invented: no real customer data is used.
Personal data that appears in ~10% of the conversations (phone numbers, e-mail
addresses, ID numbers, bank cards, order numbers) is random but format-valid, so
that PII masking can be exercised.

Outputs (next to this file):

* ``demo_ecommerce.jsonl`` -- one JSON object per turn
  (``conversation_id, turn, speaker, text, timestamp, channel``).
* ``demo_labels.csv`` -- one row per conversation
  (``conversation_id, cause, department, lang, week_start, surge``).
* ``README.md`` -- description of the corpus, planted causes and counts.

Usage::

    python corpora/generate_demo.py           # regenerate the files, then self-check
    python corpora/generate_demo.py --check   # only check the files already on disk

Standard library only; output is byte-identical across runs (fixed seed).
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

SEED = 20261001
TZ = timezone(timedelta(hours=8))
FIRST_DAY = date(2026, 9, 1)
LAST_DAY = date(2026, 10, 31)
LAST_MOMENT = datetime(2026, 10, 31, 23, 59, 59, tzinfo=TZ)
SURGE_WEEK = date(2026, 10, 5)
SURGE_CAUSE = "late_delivery"
N_SURGE = 45
OTHER_SHARE = 0.08
ESCALATION_SHARE = 0.20
PII_SHARE = 0.10
CHANNEL_WEIGHTS = (("chat", 0.55), ("app", 0.30), ("email", 0.15))
MAX_JSONL_BYTES = 1_500_000

HERE = Path(__file__).resolve().parent
JSONL_NAME = "demo_ecommerce.jsonl"
LABELS_NAME = "demo_labels.csv"
README_NAME = "README.md"
LABEL_COLUMNS = ("conversation_id", "cause", "department", "lang", "week_start", "surge")

Pair = tuple[str, str]


# ---------------------------------------------------------------------------
# Planted causes: text pools
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    """Text pools for one planted cause (or one flavour of the "other" bucket).

    Templates may use the placeholders ``{p}`` (product), ``{g}`` (gift),
    ``{n}`` (a number of days), ``{amt}`` (an amount), ``{off}`` and ``{thr}``
    (promotion discount and threshold).
    """

    cause: str
    department: str
    desc_zh: str
    desc_en: str
    products_zh: tuple[str, ...]
    products_en: tuple[str, ...]
    open_zh: tuple[str, ...]
    open_en: tuple[str, ...]
    open_mixed: tuple[str, ...]
    detail_zh: tuple[str, ...] = ()
    detail_en: tuple[str, ...] = ()
    ask_zh: tuple[str, ...] = ()
    ask_en: tuple[str, ...] = ()
    solve_zh: tuple[str, ...] = ()
    solve_en: tuple[str, ...] = ()
    qa_zh: tuple[Pair, ...] = ()
    qa_en: tuple[Pair, ...] = ()
    gifts_zh: tuple[str, ...] = ()
    gifts_en: tuple[str, ...] = ()
    # "other" topics: the agent's answer to each opening, index-aligned (in Chinese for mixed).
    reply_zh: tuple[str, ...] = ()
    reply_en: tuple[str, ...] = ()
    reply_mixed: tuple[str, ...] = ()


CLOTHES_ZH = ("连衣裙", "运动鞋", "羽绒服", "牛仔裤", "卫衣", "衬衫", "马丁靴", "半身裙", "瑜伽裤", "冲锋衣")
CLOTHES_EN = ("hoodie", "running shoes", "jeans", "dress", "puffer jacket", "sneakers", "blazer")

CAUSES: tuple[Topic, ...] = (
    Topic(
        cause="sizing",
        department="product",
        desc_zh="尺码表不准，衣服鞋子偏大或偏小",
        desc_en="Size chart inaccurate; items run small or large",
        products_zh=(*CLOTHES_ZH, "毛衣", "西装外套"),
        products_en=(*CLOTHES_EN, "t-shirt", "leggings", "boots", "sweater", "rain jacket"),
        open_zh=(
            "买的{p}尺码完全不对，按尺码表选的M，结果小了一大圈",
            "你们家{p}是不是偏小啊？平时穿L，这件L根本穿不上",
            "尺码表完全不准，{p}腰围标的和实际量的差了好几厘米",
            "这个{p}码数偏大太多了，S码穿着像oversize",
            "按你们客服推荐的尺码买的{p}，到手小了一码",
            "{p}的长度和详情页写的不一样，短了快五厘米",
            "{p}挤得根本穿不进去，码数明显偏小",
            "请问你们的尺码表是按什么量的？我量了{p}的肩宽，跟表上差很多",
            "同一个码，上次买的和这次买的{p}大小完全不一样",
            "身高165体重50公斤，按推荐选的M，{p}袖子长出一截",
            "{p}收到了，标签写L，实际就是M的大小",
            "详情页说{p}是正常码，结果偏小两个码",
            "你们{p}的尺码表能不能更新一下，完全对不上",
            "给孩子买的{p}，按年龄选的码，结果大得离谱",
            "这件{p}胸围太紧了，尺码表写的胸围96，我量出来才90",
            "买了两个码的{p}对比，L和XL几乎一样大，尺码是不是标错了",
            "{p}裤长不对，说是九分，穿上是七分",
        ),
        open_en=(
            "The {p} I ordered runs really small. I followed the size chart and it's way too tight.",
            "Your size chart is totally off. The {p} in M fits like an XS.",
            "I usually wear a large and the large {p} barely fits me.",
            "The {p} is at least one size bigger than the chart says.",
            "Ordered the {p} in my normal size and it's way too big.",
            "The measurements on the listing don't match the {p} I received at all.",
            "The {p} runs about a size small, I can't even zip it up.",
            "Why does the size chart say 42 inches chest when the {p} measures 38?",
            "Bought the {p} in the recommended size for my height and it's too short.",
            "The {p} is about two inches shorter than the description says.",
            "Same size as my last order but this {p} fits completely differently.",
            "The label says L but the {p} is clearly a medium.",
            "The listing says the {p} is true to size but it's definitely a size up.",
            "Used your fit finder for the {p} and it recommended the wrong size.",
            "My {p} came way too small, the size guide must be wrong.",
            "Is there a mistake in the size chart for the {p}? The waist is way narrower than listed.",
        ),
        open_mixed=(
            "size chart 完全不准，{p}小了一个码",
            "这个{p}的 size 偏小太多了，M 像 S",
            "按 size guide 买的{p}，waist 差了好几厘米",
            "你们的 size chart 能 update 一下吗，{p}根本对不上",
            "{p} runs small 啊，平时穿L的我L都穿不上",
            "fit 完全不对，{p}长度比 description 短很多",
        ),
        detail_zh=(
            "我身高170，体重60公斤，一直穿M",
            "已经按详情页的方法量过两遍了",
            "穿上胳膊都抬不起来",
            "本来是打算周末穿的",
            "评论区好多人也说偏小",
            "吊牌都还在，没洗过",
        ),
        detail_en=(
            "I'm 5'8 and always a medium.",
            "I measured it twice following your guide.",
            "Tags are still on, haven't washed it.",
            "Lots of other reviews say the same thing.",
            "I needed it for a trip this weekend.",
        ),
        ask_zh=(
            "亲，非常抱歉给您带来不便，麻烦提供一下订单号，方便的话平铺量一下衣长和胸围发我看看",
            "抱歉尺码让您困扰了，可以发一下订单号和您平时穿的尺码吗？",
        ),
        ask_en=(
            (
                "Sorry about the fit! Could you share your order number "
                "and, if possible, the measurements of the item laid flat?"
            ),
            "I'm sorry it doesn't fit. Can you send me the order number and the size you normally wear?",
        ),
        solve_zh=(
            "可以帮您免费换大一码，换货运费由我们承担",
            "尺码问题我们已经反馈给商品部门核实尺码表，您这边可以直接申请换货",
            "这款确实有反馈偏小，已经提交商品部门修改尺码说明，给您安排换货或者退货都可以",
        ),
        solve_en=(
            "I can arrange a free exchange for the next size, return shipping is on us.",
            (
                "I've flagged the size chart to our product team so it gets "
                "corrected. Meanwhile I can set up an exchange for you."
            ),
            (
                "We've had other reports that this one runs small. I've asked the "
                "product team to fix the size info, and you can exchange or return it."
            ),
        ),
        qa_zh=(
            ("换货的话需要我自己寄回去吗？", "不用的，我们会安排快递上门取件，运费我们承担"),
            ("那大一码的现在有货吗？", "有的，我这边已经帮您锁定库存了"),
            ("以后怎么知道该买哪个码？", "建议参考更新后的尺码表，也可以把身高体重发给我们帮您推荐"),
        ),
        qa_en=(
            ("Do I need to ship it back myself?", "No, we'll schedule a free pickup for you."),
            ("Is the bigger size in stock?", "Yes, I've reserved one for you."),
            (
                "How do I know which size to pick next time?",
                (
                    "The corrected size chart will be up soon, or just "
                    "send us your measurements and we'll recommend one."
                ),
            ),
        ),
    ),
    Topic(
        cause="colour_mismatch",
        department="design_content",
        desc_zh="商品图片颜色与实物不符（色差）",
        desc_en="Colour in product photos differs from the goods received",
        products_zh=(
            "连衣裙",
            "卫衣",
            "沙发套",
            "口红",
            "羽绒服",
            "窗帘",
            "床上四件套",
            "帆布包",
            "手机壳",
            "毛衣",
            "眼影盘",
        ),
        products_en=(
            "phone case",
            "hoodie",
            "sofa cover",
            "lipstick",
            "bedding set",
            "sweater",
            "curtains",
            "tote bag",
            "dress",
            "eyeshadow palette",
            "throw pillow",
        ),
        open_zh=(
            "收到的{p}颜色和图片差太多了，图上是雾霾蓝，实物是灰色",
            "你们详情页{p}的照片是不是调色了？实物颜色暗很多",
            "买的{p}是奶白色，到手是明显的米黄色",
            "{p}跟主图颜色完全不一样，感觉发错货了",
            "这个{p}实物颜色比图片深好几个度",
            "图片里{p}是浅粉色，收到的偏橙色，差别太大",
            "照片滤镜开太大了吧，{p}实物颜色好土",
            "{p}色差严重，说是藏青结果是黑色",
            "想问下{p}的颜色是不是都这样？和模特图上完全两个颜色",
            "{p}选的是燕麦色，收到像咖啡色",
            "商品图的{p}是亮红，实物是暗红，买来送人都不好意思送",
            "色差太离谱了，{p}在灯光下和自然光下都不像图片",
            "你们{p}的颜色写的薄荷绿，我收到的明明是蓝绿色",
            "详情页{p}的颜色跟视频里的都不一样，到底以哪个为准",
            "{p}收到了，颜色跟宣传图差别很大，有点失望",
            "同一个{p}，主图和详情图颜色都不一样，实物又是第三种颜色",
        ),
        open_en=(
            "The {p} colour is nothing like the photos. It looked navy online and it's basically purple.",
            "The {p} I got is way darker than the product pictures.",
            "Your photos of the {p} must be heavily edited, the real colour is dull.",
            "Ordered the {p} in sage green and received something closer to grey.",
            "The {p} is a completely different shade from the listing images.",
            "The colour of the {p} doesn't match the website at all.",
            "Is the {p} supposed to look this different from the pictures? It's much more orange.",
            "The {p} looks pink in the photos but it's clearly peach in real life.",
            "Received the {p} and the colour is off, it's more beige than white.",
            "The listing photos of the {p} are misleading, the real thing is much brighter.",
            "The colour of the {p} in the video and in the photos don't even match each other.",
            "Got the {p} today and honestly thought you'd sent the wrong colour.",
            "The cream {p} is actually yellowish.",
            "The colour of the {p} looks nothing like the model photo.",
            "Big colour difference between the pictures and the {p} I received.",
            "The {p} is supposed to be burgundy but it's closer to brown.",
        ),
        open_mixed=(
            "这个{p}的 color 和图片差太多了吧",
            "图片上是 light blue，收到的{p}是灰色",
            "你们的 product photo 是不是修过色，{p}实物暗很多",
            "{p}的颜色 totally different，感觉发错货了",
            "色差好严重，{p}看起来 so dull",
            "选的 cream white，到手{p}是黄的 honestly",
        ),
        detail_zh=(
            "我在自然光下拍了照片",
            "[图片] 你们看看这个颜色",
            "本来是买来搭配的，现在完全搭不上",
            "评价里也有人说有色差",
            "换了手机和电脑看图片，确实不一样",
        ),
        detail_en=(
            "[image] Here's a photo in daylight.",
            "I checked the listing on two different screens.",
            "I bought it to match my living room.",
            "Other reviews mention the same thing.",
        ),
        ask_zh=(
            "非常抱歉，麻烦在自然光下拍一张实物照片发给我们，并提供一下订单号，我们核对一下",
            "亲，抱歉让您失望了，可以发一下订单号和实物照片吗？",
        ),
        ask_en=(
            (
                "So sorry about that. Could you send a photo of the item "
                "in daylight and your order number so we can compare?"
            ),
            "Sorry it's not what you expected. Can I have the order number and a quick photo?",
        ),
        solve_zh=(
            "我们已把色差问题反馈给详情页设计同事重新拍摄校色，您这边可以申请退货退款或者换货",
            "这批图片确实有色差，已经提交设计部门修改主图，退货运费我们承担",
            "核对了一下，图片调色偏差比较大，已经通知内容团队更新图片，给您办理退货",
        ),
        solve_en=(
            (
                "I've passed this on to our content team so they can re-shoot and colour-correct "
                "the listing photos. You can return it for a full refund or exchange it."
            ),
            (
                "You're right, the photos are off. Our design team is "
                "updating the images, and return shipping is free for you."
            ),
            (
                "Compared with our sample, the listing photo was over-edited. The "
                "content team will replace it and I've opened a return for you."
            ),
        ),
        qa_zh=(
            ("退货运费谁出？", "色差属于我们的问题，退货运费由我们承担"),
            ("换一件会不会还是这个颜色？", "这批货颜色都是一样的，建议您选择退货退款，或者看看其他颜色"),
            ("详情页会改吗？", "会的，已经提交给设计同事重新拍摄和校色了"),
        ),
        qa_en=(
            (
                "Who pays for return shipping?",
                "Since the colour issue is on our side, return shipping is free.",
            ),
            (
                "Will an exchange be the same colour?",
                "That batch is all the same shade, so a refund might be the better option.",
            ),
            (
                "Are you going to fix the photos?",
                "Yes, our content team is re-shooting and colour-correcting the listing.",
            ),
        ),
    ),
    Topic(
        cause="crushed_packaging",
        department="warehouse",
        desc_zh="外箱压扁/变形，包装太薄导致运输中商品破损",
        desc_en="Box crushed or dented, poor or thin packing, items broken in transit",
        products_zh=(
            "电饭煲",
            "玻璃杯套装",
            "香水",
            "台灯",
            "陶瓷碗",
            "蓝牙音箱",
            "红酒杯",
            "护肤品套装",
            "保温杯",
            "空气炸锅",
            "花瓶",
        ),
        products_en=(
            "blender",
            "glass set",
            "perfume",
            "table lamp",
            "ceramic mugs",
            "air fryer",
            "wine glasses",
            "skincare set",
            "coffee maker",
            "picture frame",
            "vase",
        ),
        open_zh=(
            "快递箱子都压扁了，里面的{p}也碎了",
            "收到的{p}外箱全是凹痕，里面连个泡沫都没有",
            "你们打包也太随便了吧，{p}就套了个塑料袋直接塞箱子里",
            "箱子破了个大洞，{p}的盒子也压坏了",
            "{p}到手就是碎的，包装太薄了根本扛不住运输",
            "打开快递发现{p}摔坏了，纸箱薄得跟纸一样",
            "包裹外面都变形了，{p}边角磕坏了",
            "这么易碎的{p}你们就用一层气泡膜包？到了直接碎成渣",
            "外包装被压得不成样子，{p}也有明显凹陷",
            "{p}的包装盒全湿了还压扁了，送人都没法送",
            "你们仓库发货能不能用点心，{p}在箱子里晃来晃去都撞坏了",
            "收到{p}的时候箱子都开了，里面东西都撞裂了",
            "快递一拿到手就听到里面哗啦响，打开{p}全碎了",
            "{p}外箱被压塌，里面没有任何填充物",
            "包装太简陋了，{p}漏液把整个箱子都泡了",
            "又是包装问题，上次买的{p}也是压坏的",
        ),
        open_en=(
            "The box arrived completely crushed and the {p} inside is broken.",
            "My {p} came in a flimsy box with zero padding and it's cracked.",
            "The parcel was dented all over and the {p} got damaged.",
            "Whoever packed my {p} just threw it in a bag. It arrived smashed.",
            "Box was crushed flat, the {p} inside is in pieces.",
            "The packaging was way too thin for a {p}, it broke in transit.",
            "I could hear broken glass rattling before I even opened the box with my {p}.",
            "The {p} arrived with a huge dent because the box had no protection.",
            "Why was a fragile {p} shipped with just one layer of bubble wrap?",
            "The outer box was torn open and the {p} was damaged.",
            "The {p} arrived leaking everywhere, the packaging was terrible.",
            "There was no filler at all, the {p} was sliding around and got smashed.",
            "Your warehouse packing is really poor, my {p} showed up cracked.",
            "The box with my {p} was crushed and soaked, looks like it was dropped.",
            "Second time a {p} from you arrives damaged because of bad packaging.",
            "The corners of the {p} are all bent, the box was completely caved in.",
        ),
        open_mixed=(
            "箱子 crushed 了，{p}直接碎了",
            "packaging 太薄了吧，{p}到手就坏",
            "里面一点 padding 都没有，{p}撞得全是凹痕",
            "收到的{p} box 都压扁了，你们 warehouse 怎么打包的",
            "{p}碎了，就包了一层 bubble wrap",
        ),
        detail_zh=(
            "[图片] 外箱和里面的照片都拍了",
            "快递员放下的时候我就觉得不对",
            "是要送人的，现在没法用了",
            "碎片还扎到手了",
        ),
        detail_en=(
            "[image] Photos of the box and the item attached.",
            "The courier dropped it on my doorstep pretty hard.",
            "It was a gift, now I can't give it.",
            "I cut my finger on the pieces.",
        ),
        ask_zh=(
            "非常抱歉！麻烦提供一下外包装和商品破损的照片，以及订单号，我们马上登记",
            "亲，太抱歉了，请问方便拍一下外箱和商品的照片吗？再发一下订单号",
        ),
        ask_en=(
            (
                "I'm so sorry! Could you send photos of the outer "
                "box and the damaged item, plus your order number?"
            ),
            "That's awful, sorry. Can you share a couple of photos of the packaging and the order number?",
        ),
        solve_zh=(
            "已为您登记破损，仓库会给您补发一件并加强包装，破损的不用寄回",
            "我们会反馈仓库改进打包，您可以选择补发或者全额退款",
            "这个是仓库打包不到位，已经提交仓库整改，马上给您重新发一件",
        ),
        solve_en=(
            (
                "I've logged the damage. We'll send a replacement with "
                "extra padding, no need to return the broken one."
            ),
            "I'll report the packing to our warehouse team. Would you prefer a replacement or a full refund?",
            "That's on our warehouse packing, I've raised it with them and a replacement is going out.",
        ),
        qa_zh=(
            ("碎的要寄回去吗？", "不用寄回，拍照登记就可以了，注意别划到手"),
            ("补发的会不会又压坏？", "已经备注仓库加厚包装，会用泡沫箱发货"),
            ("多久能补发？", "今天登记，明天仓库就会发出"),
        ),
        qa_en=(
            (
                "Do I have to send the broken one back?",
                "No need, the photos are enough. Please be careful with it.",
            ),
            (
                "Will the replacement be packed better?",
                "Yes, I've asked the warehouse to use extra padding and a double box.",
            ),
            ("When will the replacement ship?", "It'll leave the warehouse tomorrow."),
        ),
    ),
    Topic(
        cause="missing_gift",
        department="warehouse",
        desc_zh="承诺的赠品/配件漏发",
        desc_en="Promised free gift or accessory missing from the parcel",
        products_zh=(
            "扫地机器人",
            "电动牙刷",
            "护肤套装",
            "咖啡机",
            "蓝牙耳机",
            "手机",
            "吹风机",
            "儿童玩具",
            "口红礼盒",
            "平板电脑",
            "运动手表",
        ),
        products_en=(
            "robot vacuum",
            "electric toothbrush",
            "skincare set",
            "coffee machine",
            "wireless earbuds",
            "tablet",
            "hair dryer",
            "smartwatch",
            "phone",
            "blender",
        ),
        gifts_zh=(
            "赠品",
            "充电线",
            "替换刷头",
            "小样",
            "保护套",
            "手提袋",
            "贺卡",
            "滤网",
            "钢化膜",
            "收纳包",
        ),
        gifts_en=(
            "free gift",
            "charging cable",
            "replacement brush heads",
            "sample kit",
            "protective case",
            "tote bag",
            "screen protector",
            "spare filters",
            "gift box",
        ),
        open_zh=(
            "下单的时候说送{g}，收到的{p}里什么都没有",
            "活动页写着买{p}送{g}，包裹里没看到啊",
            "我的{g}呢？{p}到了赠品没到",
            "{p}收到了，但是少了{g}",
            "说好的{g}呢，拆开{p}的箱子找了半天都没有",
            "直播间说买{p}送{g}，结果没送",
            "{p}的配件少了，{g}没在盒子里",
            "你们漏发了{g}，{p}是到了",
            "订单页面显示有赠品{g}，实际没收到",
            "买{p}满额送的{g}没给我发",
            "请问{g}是单独发货吗？{p}已经收到好几天了还没见到",
            "拆开{p}发现{g}不见了，包装是完好的",
            "{p}里的{g}缺了，是仓库漏装了吧",
            "宣传说首单送{g}，我没收到",
            "买了两件{p}应该送两份{g}，只收到一份",
            "{p}到了，{g}没有，之前明明承诺会一起发",
        ),
        open_en=(
            "The promo said the {p} comes with a {g}, but there was no {g} in my parcel.",
            "My {p} arrived without the {g} that was supposed to be included.",
            "Where's my {g}? Got the {p} but nothing else.",
            "The listing says {g} included with the {p}. It's missing.",
            "You forgot to pack the {g} with my {p}.",
            "The {p} box had everything except the {g}.",
            "I was promised a {g} with my {p} order and didn't get it.",
            "The livestream said every {p} comes with a {g}, mine didn't.",
            "My order page shows a {g} but it wasn't in the box.",
            "Is the {g} shipped separately? My {p} arrived days ago.",
            "Opened my {p} and the {g} is missing, the package was sealed.",
            "I bought two of the {p} and only got one {g}.",
            "The {g} is missing from my {p}, looks like the warehouse skipped it.",
            "No {g} in the package even though it was part of the deal.",
            "Got the {p} today. Still waiting for the {g} you advertised.",
            "The {p} came but the {g} listed as a freebie was not there.",
        ),
        open_mixed=(
            "说好的 free gift 呢？{p}里没有{g}",
            "{p}到了但是{g} missing 了",
            "你们漏发了{g}，order page 上明明写着有",
            "promo 说送{g}，拆开{p}啥都没有",
            "{g}没收到 leh，{p}已经到了好几天",
        ),
        detail_zh=(
            "箱子里里外外都翻过了",
            "[图片] 这是包裹里的全部东西",
            "就是冲着赠品才买的",
            "家里人也帮我找了，确实没有",
        ),
        detail_en=(
            "I checked every corner of the box.",
            "[image] This is everything that was in the parcel.",
            "Honestly the gift was part of why I bought it.",
            "My partner checked too, it's definitely not there.",
        ),
        ask_zh=(
            "非常抱歉，麻烦提供一下订单号和包裹内物品的照片，我帮您查一下仓库出库记录",
            "抱歉给您添麻烦了，请问订单号是多少？我核实一下赠品发货情况",
        ),
        ask_en=(
            (
                "Sorry about that! Could you send your order number and a photo "
                "of the parcel contents? I'll check the warehouse packing record."
            ),
            "Apologies! What's the order number? I'll look into the gift.",
        ),
        solve_zh=(
            "核实是仓库漏发，{g}已经给您安排补发了，单号稍后短信通知",
            "查到出库记录里确实没有{g}，已经反馈仓库并给您补寄",
            "仓库那边漏装了，抱歉，{g}今天会单独发出",
        ),
        solve_en=(
            (
                "Confirmed the {g} was missed at packing. We're sending "
                "it separately, you'll get a tracking number by SMS."
            ),
            (
                "The packing record shows the {g} wasn't included. "
                "I've told the warehouse and a new one is on the way."
            ),
            "Our warehouse missed it, sorry. The {g} will ship separately today.",
        ),
        qa_zh=(
            ("赠品大概几天能到？", "补发后一般2到3天就能到"),
            ("会单独有快递单号吗？", "会的，发出后会短信通知您单号"),
            ("要是还没收到怎么办？", "您直接联系我们，我们会再次核实处理"),
        ),
        qa_en=(
            ("How long will the {g} take?", "Usually 2-3 days once it ships."),
            ("Will I get a separate tracking number?", "Yes, you'll get it by SMS and email."),
            ("What if it doesn't show up?", "Just contact us again and we'll sort it out right away."),
        ),
    ),
    Topic(
        cause="late_delivery",
        department="logistics",
        desc_zh="物流慢、物流信息不更新、快递未送达",
        desc_en="Parcel late, tracking stuck, courier did not deliver",
        products_zh=(
            "羽绒服",
            "运动鞋",
            "电饭煲",
            "蓝牙耳机",
            "书",
            "猫粮",
            "婴儿奶粉",
            "办公椅",
            "手机壳",
            "床垫",
            "零食大礼包",
            "显示器",
        ),
        products_en=(
            "running shoes",
            "phone case",
            "blender",
            "office chair",
            "hoodie",
            "cat food",
            "textbook",
            "monitor",
            "mattress",
            "gaming mouse",
            "baby formula",
            "backpack",
        ),
        open_zh=(
            "我的{p}下单一个星期了还没到，物流一直没更新",
            "快递显示派送中三天了，{p}到底什么时候能到",
            "{p}的物流信息卡在中转站好几天了",
            "说好48小时发货，现在{n}天了{p}还没发出来",
            "快递显示已签收，可我根本没收到{p}",
            "物流三天没动了，{p}是不是丢了",
            "你们用的什么快递啊，{p}走了{n}天还在省外",
            "快递员说今天送，等了一天{p}也没来",
            "{p}预计送达时间早过了，物流还停在揽收",
            "我急用{p}，能不能帮忙催一下快递",
            "跟踪信息一直显示运输中，{p}已经{n}天了",
            "快递员直接把{p}放驿站了也不通知，还显示已妥投",
            "为什么{p}的物流从上周就没更新过",
            "下单页面写的次日达，{p}到现在{n}天还没到",
            "快递电话打不通，{p}一直没派送",
            "{p}到底发的哪家快递？单号查不到任何信息",
        ),
        open_en=(
            "My {p} was supposed to arrive {n} days ago. Where is it?",
            "Tracking has been stuck on in transit for a week for my {p}.",
            "The courier marked my {p} as delivered but it's not here.",
            "It's been {n} days and my {p} still hasn't shipped.",
            "Tracking info for my {p} hasn't updated since last Tuesday.",
            "The delivery estimate for the {p} has passed and nothing.",
            "The courier never showed up, I waited at home all day for my {p}.",
            "My {p} has been sitting at the sorting center for days.",
            "The tracking number for my {p} doesn't work on the courier site.",
            "You promised next-day delivery for the {p}. It's been {n} days.",
            "Is my {p} lost? Tracking hasn't moved at all.",
            "Courier left a note saying they couldn't deliver the {p}, but I was home.",
            "My {p} is late and I needed it for this weekend.",
            "The {p} has been out for delivery three days in a row.",
            "Can you check on my {p}? It's way past the delivery date.",
            "Still waiting for my {p}. The tracking page just says label created.",
        ),
        open_mixed=(
            "{p}的 tracking 一直卡着不动，怎么回事",
            "快递显示 delivered 了，可是我没收到{p}",
            "{p}已经 late 好几天了，物流也不 update",
            "courier 说今天送，结果{p}还是没到",
            "我的{p} shipping 太慢了吧，{n}天了",
            "物流 status 一直是 in transit，{p}到底在哪",
        ),
        detail_zh=(
            "我这周末出差，急着用",
            "打快递电话也没人接",
            "家里一直有人，没人敲门",
            "朋友同一天买的早就到了",
            "这是送人的生日礼物",
        ),
        detail_en=(
            "I'm travelling this weekend and need it before then.",
            "The courier's phone line just rings out.",
            "Someone was home all day, nobody knocked.",
            "My friend ordered the same day and got hers already.",
            "It's a birthday present.",
        ),
        ask_zh=(
            "非常抱歉让您久等了，麻烦提供一下订单号，我帮您联系快递核实物流",
            "亲，抱歉，请问订单号是多少？我马上帮您查一下物流",
        ),
        ask_en=(
            "Sorry for the wait! Could you give me your order number so I can check with the courier?",
            "I'm sorry it's late. What's the order number? I'll look up the tracking.",
        ),
        solve_zh=(
            "已经帮您催件了，快递那边反馈明天会优先派送",
            "这边已经给物流部门提交了加急工单，48小时内给您答复",
            "如果三天内物流还没更新，我们直接给您重新补发",
        ),
        solve_en=(
            "I've chased the courier and they've promised priority delivery tomorrow.",
            "I've opened an urgent ticket with our logistics team, you'll hear back within 48 hours.",
            "If tracking doesn't move in 3 days we'll simply reship it.",
        ),
        qa_zh=(
            ("那明天能送到吗？", "快递那边反馈明天会优先派送，请保持电话畅通"),
            ("如果还是丢了怎么办？", "如果确认丢件，我们会第一时间给您补发或者退款"),
            ("可以改成送到驿站吗？", "可以的，我帮您备注给快递员"),
        ),
        qa_en=(
            (
                "So will it arrive tomorrow?",
                "The courier says it's prioritised for tomorrow, please keep your phone on.",
            ),
            ("And if it's actually lost?", "If it's confirmed lost we'll reship or refund right away."),
            ("Can it go to a pickup locker instead?", "Sure, I'll add that note for the courier."),
        ),
    ),
    Topic(
        cause="refund_not_received",
        department="finance",
        desc_zh="退款已同意但钱迟迟未到账",
        desc_en="Refund approved but the money has not come back",
        products_zh=(
            "连衣裙",
            "蓝牙耳机",
            "电饭煲",
            "运动鞋",
            "羽绒服",
            "吸尘器",
            "面霜",
            "行李箱",
            "手机壳",
            "床单",
        ),
        products_en=(
            "hoodie",
            "earbuds",
            "blender",
            "sneakers",
            "jacket",
            "vacuum",
            "face cream",
            "suitcase",
            "phone case",
            "dress",
        ),
        open_zh=(
            "退款显示已同意，可是钱到现在还没到账",
            "{p}已经退回去了，{amt}元的退款一直没收到",
            "退款审核通过{n}天了，银行卡上没看到钱",
            "你们说3到5个工作日到账，现在都两周了",
            "退货退款的{p}，仓库都签收了，钱呢？",
            "申请的仅退款显示成功了，支付宝里没有",
            "我的退款一直显示处理中，{p}的钱什么时候退",
            "退款{amt}元说原路返回，可是信用卡账单上没有",
            "商家同意退款了，但是微信零钱里没收到",
            "退了{p}快半个月了，退款还没到账",
            "为什么退款显示已完成，我这边却查不到",
            "{p}取消订单了，钱怎么还没退回来",
            "退款金额不对，{p}买的{amt}元，只退了一部分",
            "请问退款到底退到哪里了？{p}那笔一直没看到",
            "之前说已经打款了，我问了银行说没有这笔钱",
            "退款状态一直是待打款，已经{n}天了",
        ),
        open_en=(
            "My refund was approved {n} days ago but I still don't have the money.",
            "I returned the {p} and you confirmed receipt, where's my refund?",
            "The app says refund completed but there's nothing on my card statement.",
            "You said 3-5 business days for the refund. It's been two weeks.",
            "Still waiting on my refund of {amt} for the {p}.",
            "My refund status has been pending forever.",
            "I cancelled the {p} order and the money hasn't come back.",
            "My bank says there's no incoming refund from you.",
            "Only part of my refund arrived, I paid {amt} for the {p}.",
            "When will I actually get my money back for the {p}?",
            "The refund was approved but it's not in my PayPal.",
            "Your email said refund processed. My account says otherwise.",
            "It's been {n} days since the warehouse got my {p} back. No refund.",
            "Can you check where my refund went? The {p} return was accepted.",
            "I was told the refund was sent but my bank can't find it.",
            "Refund approved, money gone, nothing received. What's going on?",
        ),
        open_mixed=(
            "退款还没到账, refund status 一直 pending",
            "{p}退了好久了，refund 还没收到",
            "说好的 3-5 个 working days，现在都两周了",
            "refund 显示 completed 了，可是银行卡里没钱",
            "{p}那笔 refund 到底退到哪了",
            "退款 approved 了{n}天了，still nothing",
        ),
        detail_zh=(
            "我截图了退款页面",
            "问了银行，说没有这笔入账",
            "这个钱我急用",
            "退货单号早就填给你们了",
        ),
        detail_en=(
            "I have a screenshot of the refund page.",
            "I called my bank, they see nothing.",
            "I really need that money back this week.",
            "I gave you the return tracking number ages ago.",
        ),
        ask_zh=(
            "抱歉让您久等，麻烦提供一下订单号，我帮您查询退款进度",
            "亲，非常抱歉，请发一下订单号，我这边查一下退款流水",
        ),
        ask_en=(
            "Sorry for the wait. Can you give me the order number so I can look up the refund transaction?",
            "Apologies for this. What's the order number? I'll trace the refund.",
        ),
        solve_zh=(
            "查到退款已经由财务打款，银行处理需要1到3个工作日，麻烦再留意一下",
            "这笔退款在财务那边卡住了，我已经提交加急，24小时内会重新打款",
            "退款已原路退回，您可以凭退款流水号去银行查询",
        ),
        solve_en=(
            "I can see finance released the refund, banks can take 1-3 business days to post it.",
            (
                "It looks like the refund got stuck in our finance queue. I've "
                "marked it urgent and it'll be re-issued within 24 hours."
            ),
            (
                "The refund went back to your original payment method, "
                "you can quote the reference number to your bank."
            ),
        ),
        qa_zh=(
            ("大概几天能到账？", "一般1到3个工作日，最晚不超过7个工作日"),
            ("能给我一个退款凭证吗？", "可以的，退款流水号已经发到您的短信里了"),
            ("是退到原来的支付方式吗？", "是的，原路退回到您付款的账户"),
        ),
        qa_en=(
            ("How many days until it shows up?", "Usually 1-3 business days, 7 at the most."),
            ("Can I get proof of the refund?", "Yes, the transaction reference has been sent to your email."),
            (
                "Is it going back to my original payment method?",
                "Yes, it goes back to the account you paid with.",
            ),
        ),
    ),
    Topic(
        cause="invoice_request",
        department="finance",
        desc_zh="开具增值税发票、发票抬头或税号错误",
        desc_en="Needs a VAT invoice (fapiao); wrong invoice title or tax ID",
        products_zh=(
            "笔记本电脑",
            "办公椅",
            "打印机",
            "显示器",
            "投影仪",
            "空气净化器",
            "碎纸机",
            "键盘鼠标套装",
            "咖啡机",
            "文件柜",
        ),
        products_en=(
            "laptop",
            "office chair",
            "printer",
            "monitor",
            "projector",
            "air purifier",
            "standing desk",
            "keyboard",
            "coffee machine",
            "shredder",
        ),
        open_zh=(
            "你好，我要开增值税专用发票，{p}这单怎么申请",
            "发票抬头开错了，能帮忙重开一下吗",
            "开的电子发票税号不对，公司报销不了",
            "{p}的发票什么时候能开出来？下单时勾选了要发票",
            "请问可以开专票吗？公司采购的{p}",
            "发票上的公司名称少了两个字，麻烦重新开",
            "我需要{p}的纸质发票，怎么寄给我",
            "报销要用，{p}的发票一直没收到",
            "开票信息填错了，税号多了一位，能改吗",
            "下单忘了选发票，现在还能补开吗",
            "发票金额和实际支付的不一致，少算了运费",
            "你们开的是个人抬头，我需要公司抬头",
            "{p}的电子发票链接打不开，下载不了",
            "能不能把两个订单的发票合并开一张",
            "我们财务说这张发票的开户行信息有误",
            "{p}的发票需要写明细，现在只有一个总数",
        ),
        open_en=(
            "I need a VAT invoice for my {p} order, how do I request one?",
            "The invoice has the wrong company name on it, can you reissue?",
            "The tax ID on my invoice is wrong, my company won't accept it.",
            "I ticked need invoice at checkout but never got one for the {p}.",
            "Can I get a formal fapiao for the {p}? It's a company purchase.",
            "The invoice amount doesn't match what I paid.",
            "I forgot to request an invoice, can I still get one?",
            "Can you combine my two orders into a single invoice?",
            "The e-invoice download link for the {p} is broken.",
            "I need a paper invoice mailed to our office for the {p}.",
            "The invoice title should be my company, not my name.",
            "Our accounts team says the bank details on the invoice are wrong.",
            "How long does it take to issue an invoice for the {p}?",
            "I need an itemised invoice for the {p} for expense claims.",
            "Could you reissue the invoice with our company's registered address?",
            "The invoice shows the wrong date, finance won't take it.",
        ),
        open_mixed=(
            "我需要开 VAT invoice，公司报销用",
            "fapiao 抬头开错了，能 reissue 一下吗",
            "tax ID 填错了，发票要重开",
            "{p}的 invoice 一直没收到，finance 在催了",
            "e-invoice 的 link 打不开，{p}那单",
        ),
        detail_zh=(
            "月底前要交给财务",
            "抬头是公司全称，税号我已经写在订单备注里了",
            "之前留言过一次没人回",
            "报销截止日期是这周五",
        ),
        detail_en=(
            "I need it before month end.",
            "Our company details are in the order notes.",
            "I left a message about this last week.",
            "The expense deadline is this Friday.",
        ),
        ask_zh=(
            "好的，麻烦提供订单号以及正确的开票信息（抬头、税号），我帮您提交",
            "没问题，请发一下订单号，开票信息可以直接在订单备注里更新",
        ),
        ask_en=(
            (
                "Sure, could you send the order number and the "
                "correct invoice details (company name and tax ID)?"
            ),
            (
                "No problem. What's the order number? You can also "
                "update the invoice details in the order notes."
            ),
        ),
        solve_zh=(
            "已为您提交开票申请，电子发票会在3个工作日内发送到您的邮箱",
            "已经转给财务同事处理，审核后开具，专票会用快递寄出，大概5个工作日",
            "已经备注给财务，按正确的信息重新开具，有问题的那张会作废，请留意邮箱",
        ),
        solve_en=(
            "I've submitted the invoice request, the e-invoice will be emailed within 3 business days.",
            "I've passed it to our finance team, once reviewed they'll issue it, about 5 business days.",
            "Finance will issue a correct invoice and void any wrong one, keep an eye on your inbox.",
        ),
        qa_zh=(
            ("电子发票和纸质发票效力一样吗？", "是一样的，电子发票可以直接用于报销"),
            ("能发到我们公司邮箱吗？", "可以，在开票信息里填写公司邮箱就行"),
            ("原来那张要退回吗？", "电子发票会自动作废，不用退回"),
        ),
        qa_en=(
            (
                "Is the e-invoice valid for reimbursement?",
                "Yes, the electronic fapiao is legally equivalent to paper.",
            ),
            ("Can it be sent to our finance email?", "Sure, just add that address in the invoice details."),
            ("Do I need to return the old one?", "No, the old e-invoice will be voided automatically."),
        ),
    ),
    Topic(
        cause="app_crash_checkout",
        department="it_app",
        desc_zh="App在结算/支付页面闪退、卡死",
        desc_en="App crashes or freezes at checkout or on the payment page",
        products_zh=("羽绒服", "蓝牙耳机", "运动鞋", "电饭煲", "连衣裙", "洗衣液", "手机", "零食"),
        products_en=("hoodie", "earbuds", "running shoes", "phone case", "blender", "headphones", "backpack"),
        open_zh=(
            "这个app老是crash，一到付款页面就闪退",
            "点提交订单就卡死，试了好几次了",
            "付款页面一直转圈，什么都点不了",
            "app更新之后结算页面打不开了",
            "下单买{p}的时候app直接闪退，钱扣了没有啊",
            "支付的时候页面白屏，重启了也一样",
            "你们app在结算那一步就崩溃，换了手机也不行",
            "选完地址点去支付就退出到桌面了",
            "购物车结算按钮点了没反应",
            "付款跳转微信支付的时候app卡住不动了",
            "想买{p}，但是每次到确认订单页就卡死",
            "app结账一直报错系统繁忙，到底怎么回事",
            "苹果手机上你们app付款界面闪退，安卓也一样",
            "结算页面加载半天，最后直接崩了",
            "付款输完密码app就崩溃了，也不知道付成功没有",
            "这两天app一到支付就黑屏，只能用网页版",
        ),
        open_en=(
            "The app keeps crashing at checkout.",
            "Every time I tap Pay now the app freezes.",
            "The checkout page just spins forever and then the app closes.",
            "Since the last update I can't get past the payment screen.",
            "The app crashed while I was paying for the {p}, was I charged?",
            "The payment page goes blank on my phone.",
            "I've reinstalled the app twice and it still crashes at checkout.",
            "Tapping Place order does nothing, the button is dead.",
            "Your app freezes when it switches to the payment gateway.",
            "Got an error saying something went wrong at checkout, over and over.",
            "The app closes itself the moment I open the cart to check out.",
            "Trying to buy the {p} but the app hangs on the confirm order screen.",
            "The checkout screen crashes on my iPhone, and on my friend's Android too.",
            "Entered my card details and the app crashed, no idea if it went through.",
            "The app has been unusable at checkout for two days now.",
            "The payment page loads forever and then kicks me back to the home screen.",
        ),
        open_mixed=(
            "这个app老是crash，付款就闪退",
            "checkout 页面一直 loading，然后就 crash 了",
            "点 place order 没反应，app 卡死了",
            "update 之后 payment page 打不开",
            "付款的时候 app freeze 了，不知道扣钱没有",
            "app 一到结算就 crash，我已经 reinstall 过了",
        ),
        detail_zh=(
            "手机是最新的系统",
            "已经卸载重装过了",
            "网络没问题，别的app都正常",
            "活动马上要结束了，急着下单",
        ),
        detail_en=(
            "I'm on the latest iOS.",
            "Already cleared the cache and reinstalled.",
            "Wi-Fi is fine, other apps work.",
            "The sale ends tonight so this is urgent.",
        ),
        ask_zh=(
            "非常抱歉给您带来不便，麻烦告诉我手机型号、系统版本和app版本号，方便的话截个图",
            "亲，抱歉，请问您用的是苹果还是安卓？app是最新版本吗？",
        ),
        ask_en=(
            (
                "Sorry about that! Could you tell me your phone model, OS "
                "version and app version? A screenshot would help too."
            ),
            "Apologies. Are you on iPhone or Android, and is the app up to date?",
        ),
        solve_zh=(
            "已经把问题提交给技术部门排查，建议您先用网页版或小程序下单",
            "技术同事确认是新版本的兼容问题，今晚会发修复版本",
            "您这边没有扣款成功，订单也没生成，可以放心重新下单",
        ),
        solve_en=(
            (
                "I've reported this to our tech team. In the meantime "
                "the website or the mini program should work."
            ),
            "Our developers confirmed a bug in the latest version, a fix is going out tonight.",
            "No charge went through and no order was created, so you're safe to try again.",
        ),
        qa_zh=(
            ("那我之前那单扣钱了吗？", "查了一下没有扣款，订单也没生成"),
            ("修复版本什么时候出？", "技术同事说这两天就会发布更新"),
            ("活动价还能保留吗？", "可以的，我帮您备注了，修复后按活动价下单"),
        ),
        qa_en=(
            ("Was I charged for the failed attempt?", "I checked and no payment went through."),
            ("When will the fix be out?", "The team expects an update within a couple of days."),
            (
                "Will I still get the sale price?",
                "Yes, I've noted your account so the sale price is honoured.",
            ),
        ),
    ),
    Topic(
        cause="rude_slow_agent",
        department="customer_service",
        desc_zh="客服态度差、回复慢、无人应答、反复转接",
        desc_en="Agent rude, slow replies, nobody answers, transferred repeatedly",
        products_zh=("退货进度", "发票", "物流", "换货", "保修"),
        products_en=("return", "invoice", "order status", "exchange", "warranty"),
        open_zh=(
            "你们客服什么态度啊，问两句就不耐烦",
            "在线等了一个小时都没人回复",
            "转了三次人工，每个人都让我重新说一遍",
            "刚才那个客服说话太冲了，我就问个问题",
            "发了好几条消息都没人理，客服是下班了吗",
            "你们客服回复也太慢了，一句话等半小时",
            "人工客服一直排队，排了四十分钟",
            "上一个客服直接把我对话关了",
            "每次咨询都是机器人回复，根本解决不了问题",
            "客服答非所问，我问的是{p}，他跟我说别的",
            "打电话客服一直占线，在线也没人回",
            "昨天的客服说会回电，到现在都没人联系我",
            "被转来转去的，到底谁能处理我这个问题",
            "刚才客服用很不礼貌的语气跟我说话，我很不舒服",
            "留言三天了没人回复，你们还有人在吗",
            "客服就一句不知道、没办法，这算什么服务",
        ),
        open_en=(
            "Your agent was incredibly rude to me just now.",
            "I've been waiting over an hour for someone to reply.",
            "I've been transferred three times and had to explain everything again each time.",
            "Nobody answers the chat. Is anyone actually working?",
            "The last person I spoke with just closed the chat on me.",
            "Replies take 30 minutes each, this is ridiculous.",
            "I keep getting the bot, I need a real person.",
            "Your rep promised a callback yesterday and nobody called.",
            "The agent didn't even read my message, just pasted a script.",
            "I asked about my {p} and got a completely unrelated answer.",
            "I've sent four emails and got no response.",
            "The phone line is always busy and the chat queue never moves.",
            "The person I talked to was dismissive and sarcastic.",
            "Every time I contact you I get a different answer.",
            "I was told there's nothing you can do and the chat was ended.",
            "It took two days to get a one-line reply.",
        ),
        open_mixed=(
            "你们客服 response 太慢了，等了一个小时",
            "转了三次 agent，每次都要重新说",
            "刚才那个 agent 态度好差，very rude",
            "一直是 bot 回复，我要真人客服 please",
            "message 发了好几条都没人理",
        ),
        detail_zh=(
            "我就想问个简单的问题",
            "聊天记录我都截图了",
            "这已经是我第三次联系你们了",
            "前面的问题到现在也没解决",
        ),
        detail_en=(
            "It was a simple question.",
            "I have screenshots of the whole chat.",
            "This is the third time I'm contacting you.",
            "And my original issue still isn't solved.",
        ),
        ask_zh=(
            "非常抱歉给您带来不好的体验，能告诉我之前咨询的大概时间吗？我来核实一下",
            "真的很抱歉让您等这么久，您之前咨询的是什么问题呢？我这边直接跟进",
        ),
        ask_en=(
            (
                "I'm really sorry about that experience. Can you tell me "
                "roughly when you contacted us before so I can look into it?"
            ),
            "Sorry you've been kept waiting. What was the original question? I'll take it from here.",
        ),
        solve_zh=(
            "已经反馈给客服质检团队，您的问题接下来由我全程跟进，不会再转接",
            "很抱歉让您久等，目前咨询量比较大，您的问题我现在就帮您处理",
            "之前的服务确实不到位，已经记录并反馈培训，后续由我专门跟进",
        ),
        solve_en=(
            (
                "I've logged feedback with our service quality team. I'll "
                "personally handle your case from here, no more transfers."
            ),
            "Sorry for the wait, volumes are high right now, but I'm on your case now.",
            (
                "That wasn't acceptable and I've passed it on for "
                "coaching. I'll follow your case myself from now on."
            ),
        ),
        qa_zh=(
            ("那我的问题现在能解决吗？", "可以的，我这边直接帮您处理，不会再转接"),
            ("以后还会这样吗？", "我们会加强培训和排班，尽量避免这种情况"),
            ("能留个专线吗？", "您之后咨询直接回复这个会话，我会优先跟进"),
        ),
        qa_en=(
            ("So can you actually fix my issue now?", "Yes, I'll handle it myself, no more transfers."),
            ("Will this happen again?", "We're reviewing staffing and training so it doesn't."),
            (
                "Is there a direct way to reach you?",
                "Just reply in this thread and it'll come straight to me.",
            ),
        ),
    ),
    Topic(
        cause="defective_product",
        department="quality",
        desc_zh="商品本身质量问题：用不了、到手即坏、做工差",
        desc_en="Quality problem of the item itself: stops working, broken on arrival",
        products_zh=(
            "蓝牙耳机",
            "电饭煲",
            "吹风机",
            "电动牙刷",
            "充电宝",
            "台灯",
            "空气炸锅",
            "榨汁机",
            "机械键盘",
            "智能手表",
            "加湿器",
            "剃须刀",
        ),
        products_en=(
            "wireless earbuds",
            "blender",
            "hair dryer",
            "power bank",
            "electric toothbrush",
            "desk lamp",
            "smartwatch",
            "air fryer",
            "kettle",
            "mechanical keyboard",
            "humidifier",
            "speaker",
        ),
        open_zh=(
            "买的{p}用了两天就坏了，完全开不了机",
            "{p}收到就是坏的，插电没反应",
            "{p}一边没声音，是质量问题吧",
            "{p}用了一周就充不进电了",
            "这个{p}质量太差了，按键都松了",
            "{p}有很大的异味，用起来还发烫",
            "新买的{p}有裂缝，外箱好好的，是本身做工问题",
            "{p}工作的时候噪音特别大，感觉要坏了",
            "{p}开机就报错，说明书上也查不到",
            "{p}用了不到一个月就彻底不能用了",
            "{p}做工太粗糙了，接缝处都开胶了",
            "{p}漏水，桌子都湿了",
            "{p}充满电只能用半小时，跟宣传的差太远",
            "{p}时好时坏，连接老是断",
            "第二次买{p}了，又是同样的毛病",
            "{p}冒烟了，吓死我了，这质量也太差了",
        ),
        open_en=(
            "My {p} stopped working after two days.",
            "The {p} was dead on arrival, it won't turn on at all.",
            "The left side of my {p} has no sound.",
            "The {p} won't charge anymore after a week.",
            "The build quality of the {p} is awful, the buttons are loose.",
            "The {p} gets really hot and smells like burning plastic.",
            "There's a crack in the {p} housing even though the box was fine, it's a manufacturing defect.",
            "The {p} makes a loud grinding noise.",
            "My {p} shows an error code right out of the box.",
            "The {p} died completely within a month.",
            "The {p} keeps disconnecting every few minutes.",
            "The {p} is leaking water all over my counter.",
            "The battery on the {p} lasts 30 minutes, nowhere near what was advertised.",
            "The {p} works on and off, clearly faulty.",
            "This is the second {p} I've bought from you with the same fault.",
            "The {p} started smoking when I plugged it in!",
        ),
        open_mixed=(
            "这个{p}用两天就 broken 了",
            "{p}收到就 dead on arrival，开不了机",
            "{p} quality 太差了，一直 disconnect",
            "{p}的 battery 完全不行，半小时就没电",
            "{p}会发烫，还有 burning smell",
            "新的{p}就有 crack，肯定是 defect",
        ),
        detail_zh=(
            "已经按说明书重置过了",
            "换了插座也一样",
            "[视频] 你们看一下",
            "才用了不到十次",
        ),
        detail_en=(
            "I've already tried a reset as per the manual.",
            "Tried a different socket, same thing.",
            "[video] Here's what it does.",
            "I've used it less than ten times.",
        ),
        ask_zh=(
            "非常抱歉，麻烦拍一段故障视频，并提供订单号，我帮您申请质量问题处理",
            "亲，抱歉给您带来困扰，请问订单号是多少？故障的情况可以拍个视频吗",
        ),
        ask_en=(
            "I'm sorry! Could you record a short video of the fault and send your order number?",
            "Sorry about that. What's the order number? A photo or video of the problem would help.",
        ),
        solve_zh=(
            "这属于质量问题，可以直接为您换新，我们也会把这个批次反馈给品控部门",
            "已为您登记质量问题，退回的运费由我们承担",
            "先帮您安排换新，旧的寄回给品控检测",
        ),
        solve_en=(
            (
                "That's a quality defect, we'll replace it for free and "
                "I've reported the batch to our quality control team."
            ),
            "I've registered it as a quality issue, return shipping is on us.",
            "I'm sending you a new one now, please return the faulty unit so QC can inspect it.",
        ),
        qa_zh=(
            ("换新要多久？", "收到退回的商品后48小时内发出新的"),
            ("保修期是多久？", "整机保修一年，换新后重新计算"),
            ("需要我自己寄回吗？", "我们会安排上门取件，运费我们出"),
        ),
        qa_en=(
            (
                "How long does the replacement take?",
                "We ship the new one within 48 hours of receiving the faulty unit.",
            ),
            ("What's the warranty?", "One year, and it restarts with the replacement."),
            ("Do I have to post it back myself?", "No, we'll arrange a free pickup."),
        ),
    ),
    Topic(
        cause="coupon_not_applied",
        department="marketing",
        desc_zh="优惠券/折扣/满减结算时未生效，活动规则误导",
        desc_en="Coupon, discount or threshold promo not applied at checkout; misleading promotion rules",
        products_zh=(
            "羽绒服",
            "运动鞋",
            "零食",
            "面膜",
            "电饭煲",
            "蓝牙耳机",
            "纸巾",
            "连衣裙",
            "洗发水",
            "猫粮",
        ),
        products_en=(
            "sneakers",
            "hoodie",
            "skincare set",
            "earbuds",
            "blender",
            "snack box",
            "dog food",
            "backpack",
        ),
        open_zh=(
            "满{thr}减{off}的券为什么用不了？我买了{thr}多",
            "领了优惠券，结算的时候没有自动抵扣",
            "你们满减活动写的跨店满减，结算又说不支持",
            "下单{p}的时候优惠券显示不可用，可是没过期",
            "活动说第二件半价，结算按原价算的",
            "新人券领了用不了，我确实是第一次买",
            "预售说定金翻倍，付尾款的时候没抵扣",
            "满减没算进去，多付了{off}块",
            "页面写着{p}限时八折，下单还是原价",
            "优惠券说全场通用，结果{p}不能用",
            "会员折扣没生效，付款金额跟显示的不一样",
            "领的{off}元券过了一会就不见了",
            "活动规则写得不清不楚，我以为能叠加的",
            "买{p}凑了满减，结果说特价商品不参加，页面上哪里写了",
            "说好的价格保护，{p}降了{off}块没补差价",
            "直播间说有专属券，我下单{p}没看到减免",
        ),
        open_en=(
            "My coupon didn't apply at checkout.",
            "The {off} off {thr} promo wasn't taken off my total.",
            "I entered the discount code and it says not valid, but it hasn't expired.",
            "The page says the {p} is 20% off but I was charged full price.",
            "The buy one get one half price deal didn't work on my order.",
            "My new customer coupon won't apply, this is my first order.",
            "The promo code from your email gives an error at checkout.",
            "Why can't I use my voucher on the {p}? It says sitewide.",
            "My member discount disappeared at the payment step.",
            "I was overcharged by {off} because the promotion didn't apply.",
            "The promo terms are confusing, it never said sale items were excluded.",
            "The coupon vanished from my account before I could use it.",
            "Free shipping over {thr} didn't apply even though my cart was over.",
            "The livestream code for the {p} doesn't work.",
            "The price dropped by {off} a day after I bought the {p} and price protection didn't kick in.",
            "The discount showed in the cart but was gone at payment.",
        ),
        open_mixed=(
            "满减没 apply 上，多付了{off}块",
            "coupon code 输了显示 invalid，明明没过期",
            "你们 promo 规则写得好 confusing，说好能叠加的",
            "discount 在购物车显示了，付款时又没了",
            "新人 coupon 用不了，我真的是 first order",
        ),
        detail_zh=(
            "截图我都留着",
            "就差几块钱，早知道去别家买了",
            "朋友用同样的券就可以",
            "活动今晚就结束了",
        ),
        detail_en=(
            "I kept screenshots.",
            "I could have bought it cheaper elsewhere.",
            "My friend used the same code with no problem.",
            "The promotion ends tonight.",
        ),
        ask_zh=(
            "抱歉给您带来困扰，麻烦提供一下订单号和优惠券截图，我帮您核实活动规则",
            "亲，请问是哪张券呢？发一下订单号和截图，我查一下",
        ),
        ask_en=(
            "Sorry for the trouble! Could you send the order number and a screenshot of the coupon?",
            "Which code was it? Please send the order number and I'll check the promotion rules.",
        ),
        solve_zh=(
            "核实是活动配置的问题，差价{off}元会以优惠券形式补给您",
            "活动页的使用规则确实写得不够清楚，已经反馈给运营同事修改，差价帮您申请补偿",
            "可以帮您取消订单重新下单，这次券可以正常使用",
        ),
        solve_en=(
            "Looks like the promotion was misconfigured, we'll credit the {off} back to you as store credit.",
            (
                "I agree the promotion terms on the page aren't clear. I've asked our marketing "
                "team to fix the wording and requested a goodwill credit for the difference."
            ),
            "I can cancel and let you re-order, the coupon will work this time.",
        ),
        qa_zh=(
            ("补偿的券什么时候到？", "已经发到您的账户了，在我的优惠券里可以看到"),
            ("下次活动还会这样吗？", "已经把规则说明反馈给运营同事优化了"),
            ("能直接退差价吗？", "可以的，差价会原路退回，1到3个工作日到账"),
        ),
        qa_en=(
            ("When will the credit show up?", "It's already in your account under My Coupons."),
            (
                "Will the promo rules be clearer next time?",
                "I've passed your feedback to our marketing team.",
            ),
            (
                "Can you refund the difference instead?",
                "Yes, the difference will go back to your original payment in 1-3 business days.",
            ),
        ),
    ),
    Topic(
        cause="return_pickup",
        department="after_sales",
        desc_zh="退货申请、上门取件不来、退货标签、七天无理由流程",
        desc_en="Return request, pickup courier never came, return label, 7-day no-reason returns",
        products_zh=(
            "连衣裙",
            "运动鞋",
            "电饭煲",
            "蓝牙耳机",
            "行李箱",
            "羽绒服",
            "吸尘器",
            "床垫",
            "婴儿车",
            "显示器",
        ),
        products_en=(
            "suitcase",
            "blender",
            "sneakers",
            "jacket",
            "stroller",
            "monitor",
            "vacuum",
            "rug",
            "earbuds",
            "dress",
        ),
        open_zh=(
            "申请了退货，约的上门取件，快递员一直没来",
            "七天无理由退货怎么操作？{p}不想要了",
            "退货申请提交了{n}天，还没审核",
            "预约的取件时间过了，没人联系我",
            "退货地址在哪里看？{p}要寄回去",
            "退货一直显示待取件，快递员电话打不通",
            "{p}拆了包装还能七天无理由吗",
            "退货运费谁出？说好的运费险呢",
            "我要退{p}，但是页面上找不到退货入口",
            "取件的快递员说不收大件，{p}怎么退",
            "退货标签打印不出来，系统一直报错",
            "换货申请被驳回了，理由也没写清楚",
            "快递员上门说没有取件单，白等一天",
            "已经自己寄回去了，退货物流单号填在哪",
            "改了两次取件时间，还是没人来拿{p}",
            "{p}还在七天内，为什么显示不支持无理由退货",
        ),
        open_en=(
            "I booked a return pickup for the {p} and the courier never came.",
            "How do I return the {p}? I'm still within 7 days.",
            "My return request has been pending for {n} days.",
            "The pickup window passed and nobody showed up.",
            "I can't print the return label, the link gives an error.",
            "Where do I send the {p} back? There's no return address.",
            "The return button is greyed out for my {p} order.",
            "Your courier refused to take the {p} because it's too big.",
            "Who pays for return shipping? I was told it was free.",
            "My exchange request was rejected with no explanation.",
            "I've rescheduled the pickup twice and still nobody came.",
            "I already shipped the {p} back myself, where do I enter the tracking number?",
            "The driver said there was no pickup order in the system.",
            "The app says return not eligible but it's only been 5 days.",
            "Can I return the {p} if I opened the box?",
            "I need a return label emailed to me for the {p}.",
        ),
        open_mixed=(
            "申请了 return，pickup 的快递员一直没来",
            "return label 打不出来，一直 error",
            "七天无理由 return 怎么操作？{p}不想要了",
            "约了 pickup time，结果没人来",
            "return request pending 好几天了，{p}还在我这",
        ),
        detail_zh=(
            "我已经打包好放门口了",
            "我白天要上班，只有晚上在家",
            "商品吊牌都还在",
            "已经等了两天了",
        ),
        detail_en=(
            "It's already packed and by the door.",
            "I work during the day, only home evenings.",
            "All tags and packaging are intact.",
            "I've been waiting two days already.",
        ),
        ask_zh=(
            "抱歉让您久等，麻烦提供一下订单号和方便取件的时间段，我帮您重新预约",
            "亲，请问订单号是多少？我看一下售后申请的状态",
        ),
        ask_en=(
            "Sorry about that. Could you share the order number and a time window that suits you for pickup?",
            "Apologies. What's the order number? I'll check the status of the return.",
        ),
        solve_zh=(
            "退货申请已经帮您处理好了，上门取件约在明天上午，快递员会提前电话联系您",
            "已经帮您登记退货，七天内都支持无理由退货，运费险会自动理赔，取件时间稍后短信通知",
            "退货已经帮您审核通过，退货地址和取件安排会短信发给您",
        ),
        solve_en=(
            "Return sorted: I've booked a pickup for tomorrow morning, the driver will call ahead.",
            (
                "I've registered the return for you, it's within the 7-day window and return "
                "shipping insurance covers the cost. Pickup details will follow by SMS."
            ),
            "I've approved the return, the label and pickup details will be emailed to you.",
        ),
        qa_zh=(
            ("快递员会提前打电话吗？", "会的，上门前会电话联系您"),
            ("退款是退回原账户吗？", "是的，仓库签收后原路退回"),
            ("我不在家可以放门口吗？", "可以，备注好放门口，快递员会拍照取件"),
        ),
        qa_en=(
            ("Will the driver call first?", "Yes, they'll call before arriving."),
            (
                "When do I get my money back?",
                "Once the warehouse receives it, the refund goes back to your original payment.",
            ),
            (
                "Can I leave it on the doorstep?",
                "Yes, I've added a note, the driver will take a photo on pickup.",
            ),
        ),
    ),
)

SURGE_OPEN_ZH = (
    "国庆前下的单，{p}到现在还没发货",
    "国庆节前就买的{p}，假期都快结束了物流还是没动",
    "节前下单的{p}一直卡在转运中心，说是国庆爆仓",
    "十一长假前拍的{p}，现在还在路上",
    "黄金周之前下的单，{p}物流停了一个多星期",
    "国庆期间买的{p}，说节后统一发货，到现在还没发",
    "国庆快递爆仓也不能拖这么久吧，{p}{n}天了",
)
SURGE_OPEN_EN = (
    "Ordered the {p} before the Golden Week holiday and it still hasn't shipped.",
    "My {p} has been stuck since the National Day break, any update?",
    "Bought the {p} on September 29 and tracking hasn't moved since the holiday.",
    "I know there was a holiday backlog but my {p} is over a week late now.",
    "The {p} was supposed to ship after National Day. It's still processing.",
    "Tracking for my {p} says delayed due to holiday volume. For how long?",
)
SURGE_OPEN_MIXED = (
    "国庆前下的单，{p}的 tracking 到现在都没 update",
    "holiday backlog 也不能拖这么久吧，{p}还没发货",
    "十一前买的{p}，status 一直是 processing",
)
SURGE_SOLVE_ZH = (
    "国庆期间订单量比较大，转运中心有积压，我们已经加派运力，这两天会陆续送达",
    "节日期间快递爆仓，您的包裹已经在排队派送了，我帮您加急处理",
)
SURGE_SOLVE_EN = (
    (
        "There's a backlog from the National Day holiday at the sorting hubs. Extra "
        "capacity has been added and your parcel should move in the next couple of days."
    ),
    (
        "Holiday volumes overwhelmed the courier network, but your "
        "parcel is in the queue and I've flagged it as urgent."
    ),
)

OTHER_TOPICS: tuple[Topic, ...] = (
    Topic(
        cause="other",
        department="unassigned",
        desc_zh="售前：库存/发货时间",
        desc_en="Pre-sale: stock and dispatch time",
        products_zh=("羽绒服", "运动鞋", "蓝牙耳机", "电饭煲", "连衣裙", "空气炸锅"),
        products_en=("hoodie", "running shoes", "blender", "earbuds", "puffer jacket", "air fryer"),
        open_zh=("{p}还有货吗？", "请问{p}什么时候补货", "{p}的黑色还有吗", "这个{p}现在下单什么时候发货"),
        reply_zh=(
            "有现货的，今天下单48小时内发货",
            "目前缺货，预计下周补货，可以先点到货提醒",
            "黑色还有少量库存，喜欢的话尽快下单哦",
            "现在下单今天就能发出，一般2到3天送到",
        ),
        open_en=(
            "Is the {p} in stock?",
            "When will the {p} be restocked?",
            "Do you have the {p} in black?",
            "If I order the {p} today, when does it ship?",
        ),
        reply_en=(
            "Yes, it's in stock and ships within 48 hours.",
            "It's out of stock right now, a restock is expected next week. You can tap notify me.",
            "Black is still available but running low.",
            "Orders placed today ship today, delivery usually takes 2-3 days.",
        ),
        open_mixed=("{p}还有 stock 吗", "这个{p} restock 大概什么时候"),
        reply_mixed=("有现货的，今天下单48小时内发货", "预计下周补货，可以先点到货提醒"),
        qa_zh=(("有其他颜色吗？", "还有白色和灰色，都有现货"), ("包邮吗？", "全场满99包邮")),
        qa_en=(
            ("Any other colours?", "There's also white and grey, both in stock."),
            ("Is shipping free?", "Yes, shipping is free over 99."),
        ),
    ),
    Topic(
        cause="other",
        department="unassigned",
        desc_zh="售前：材质/使用",
        desc_en="Pre-sale: material and care",
        products_zh=("卫衣", "毛衣", "床上四件套", "羽绒服", "瑜伽裤"),
        products_en=("hoodie", "sweater", "bedding set", "puffer jacket", "leggings"),
        open_zh=("{p}是什么材质的？", "{p}可以机洗吗", "{p}起球吗", "{p}冬天用会不会冷"),
        reply_zh=(
            "面料是95%棉加5%氨纶，手感很软",
            "可以机洗的，建议冷水、翻面洗",
            "用的是抗起球面料，正常穿着不容易起球",
            "是加厚款，冬天用没问题",
        ),
        open_en=(
            "What is the {p} made of?",
            "Can I machine wash the {p}?",
            "Does the {p} pill after washing?",
            "Is the {p} warm enough for winter?",
        ),
        reply_en=(
            "It's 95% cotton with 5% elastane, very soft.",
            "Yes, machine wash cold, inside out.",
            "It's an anti-pill fabric, so it holds up well.",
            "It's the thick version, fine for winter.",
        ),
        open_mixed=("{p}是什么 material 的", "{p}可以 machine wash 吗"),
        reply_mixed=("面料是95%棉加5%氨纶，手感很软", "可以机洗的，建议冷水、翻面洗"),
        qa_zh=(("会缩水吗？", "正常洗涤不会明显缩水"), ("有没有味道？", "出厂前都经过处理，没有异味")),
        qa_en=(
            ("Will it shrink?", "Not noticeably with normal washing."),
            ("Does it have any smell?", "No, it's treated before shipping."),
        ),
    ),
    Topic(
        cause="other",
        department="unassigned",
        desc_zh="售前：配送范围",
        desc_en="Pre-sale: delivery area",
        products_zh=("电饭煲", "书", "零食大礼包"),
        products_en=("blender", "textbook", "snack box"),
        open_zh=("能寄到香港吗？", "新疆包邮吗", "可以寄到国外吗", "偏远地区要加运费吗"),
        reply_zh=(
            "可以寄香港，运费按重量计算，一般5到7天",
            "新疆需要补一点运费，下单时会自动计算",
            "目前支持寄到新加坡、马来西亚和澳洲，运费结算时显示",
            "偏远地区需要补少量运费，下单时会自动计算",
        ),
        open_en=(
            "Do you ship to Singapore?",
            "How long does delivery to Hong Kong take?",
            "Is there free shipping to Macau?",
            "Can you deliver to a PO box?",
        ),
        reply_en=(
            "Yes, we ship to Singapore. Shipping is calculated at checkout.",
            "Usually 5-7 days to Hong Kong.",
            "Macau has a small shipping fee, shown at checkout.",
            "Sorry, our couriers can't deliver to PO boxes, a street address is needed.",
        ),
        open_mixed=("可以 ship 到香港吗", "delivery 到新加坡要几天"),
        reply_mixed=("可以寄香港，运费按重量计算，一般5到7天", "新加坡一般7到10天送到"),
        qa_zh=(("要交关税吗？", "一般小额包裹不需要"), ("能查物流吗？", "可以的，发货后会有单号")),
        qa_en=(
            ("Will there be import duty?", "Usually not for small parcels."),
            ("Can I track it?", "Yes, you'll get a tracking link."),
        ),
    ),
    Topic(
        cause="other",
        department="unassigned",
        desc_zh="表扬",
        desc_en="Praise",
        products_zh=("连衣裙", "蓝牙耳机", "电饭煲", "运动鞋", "羽绒服"),
        products_en=("hoodie", "earbuds", "blender", "running shoes", "dress"),
        open_zh=(
            "{p}收到了，质量很好，必须夸一下",
            "上次帮我处理问题的客服特别耐心，谢谢你们",
            "物流好快，昨天下单今天就到了",
            "{p}比想象中还好，已经推荐给朋友了",
        ),
        reply_zh=(
            "谢谢亲的认可，我们会继续努力的！",
            "收到您的表扬太开心了，会转告同事的",
            "谢谢您的支持，祝您购物愉快！",
            "太感谢您的推荐啦，我们会继续加油的",
        ),
        open_en=(
            "Just wanted to say the {p} is fantastic, thank you!",
            "Your colleague helped me last week and was super patient, thanks!",
            "Ordered yesterday, arrived today. Impressive!",
            "The {p} is even better than I expected, already told my friends.",
        ),
        reply_en=(
            "Thank you so much for the kind words! I'll pass them on to the team.",
            "That's lovely to hear, I'll let my colleague know!",
            "Glad it got to you so fast, thanks for shopping with us!",
            "That made our day, thank you for recommending us!",
        ),
        open_mixed=("{p}收到了，quality 很好，点赞", "super fast delivery，谢谢你们"),
        reply_mixed=("谢谢亲的认可，我们会继续努力的！", "谢谢您的支持，祝您购物愉快！"),
        qa_zh=(("你们还有类似的款吗？", "有的，店铺首页新品区可以看看"),),
        qa_en=(("Do you have anything similar?", "Yes, check the new arrivals section on our home page."),),
    ),
    Topic(
        cause="other",
        department="unassigned",
        desc_zh="修改收货地址",
        desc_en="Address change request",
        products_zh=("羽绒服", "办公椅", "猫粮", "运动鞋"),
        products_en=("office chair", "hoodie", "cat food", "sneakers"),
        open_zh=(
            "刚下的单地址写错了，能改吗",
            "能帮我把收货地址改成公司地址吗",
            "收件人名字写错了，能改一下吗",
            "{p}那单能改成送到我爸妈家吗",
        ),
        reply_zh=(
            "还没发货可以修改的，麻烦在订单页点修改地址，我这边帮您审核",
            "可以的，订单还没发货，把公司地址备注给我就行",
            "可以改的，麻烦把正确的收件人姓名发给我",
            "可以的，还没出库，新地址在订单页修改就行",
        ),
        open_en=(
            "Can I change the delivery address on my order?",
            "I just moved, can you update the shipping address for my order?",
            "I put the wrong apartment number, can you fix it?",
            "Can the {p} be delivered to my office instead?",
        ),
        reply_en=(
            "Since it hasn't shipped yet, I can change it. Edit it on the order page and I'll approve it.",
            "Sure, it hasn't shipped yet. Please put the new address in the order notes.",
            "No problem, just send me the correct apartment number.",
            "Yes, it hasn't left the warehouse. Update the address on the order page and I'll confirm.",
        ),
        open_mixed=("地址写错了，能 update 一下吗", "shipping address 要改成公司的"),
        reply_mixed=("还没发货可以修改的，麻烦在订单页点修改地址", "可以的，把公司地址备注给我就行"),
        qa_zh=(("新地址我已经在备注里写好了，你看下", "好的，已经帮您改好了"),),
        qa_en=(("I've put the new address in the order notes.", "Got it, all updated."),),
    ),
    Topic(
        cause="other",
        department="unassigned",
        desc_zh="会员积分",
        desc_en="Membership points",
        products_zh=("会员",),
        products_en=("membership",),
        open_zh=("我的积分怎么用", "会员积分快过期了能延期吗", "怎么升级成金卡会员", "积分可以换什么东西"),
        reply_zh=(
            "积分可以在结算时抵扣，100积分抵1元",
            "积分有效期不能延长，建议在到期前使用哦",
            "年度消费满2000就能升级金卡",
            "积分商城里可以换优惠券和小礼品",
        ),
        open_en=(
            "How do I use my reward points?",
            "My points expire soon, can they be extended?",
            "How do I reach gold membership?",
            "What can I redeem my points for?",
        ),
        reply_en=(
            "Points can be used at checkout, 100 points gives you 1 off.",
            "Sorry, points can't be extended, but you can use them at checkout before they expire.",
            "Spend 2000 in a year and you'll be upgraded to gold.",
            "Coupons and small gifts in the points store.",
        ),
        open_mixed=("我的 points 怎么用", "member 积分快 expire 了"),
        reply_mixed=("积分可以在结算时抵扣，100积分抵1元", "积分有效期不能延长，建议在到期前使用哦"),
        qa_zh=(("积分有有效期吗？", "积分有效期是一年"),),
        qa_en=(("Do points expire?", "They're valid for one year."),),
    ),
    Topic(
        cause="other",
        department="unassigned",
        desc_zh="礼品包装",
        desc_en="Gift wrapping",
        products_zh=("香水", "口红礼盒", "围巾"),
        products_en=("perfume", "scarf", "watch"),
        open_zh=("能帮忙包装成礼物吗？送人的", "{p}可以附一张贺卡吗", "发货单上能不显示价格吗"),
        reply_zh=(
            "可以的，下单时备注礼盒包装就行，免费的",
            "可以，把想写的话备注给我们就行",
            "可以，发货单不会显示价格",
        ),
        open_en=(
            "Can you gift wrap the {p}?",
            "Can I add a gift note to my order?",
            "Can you leave the price off the packing slip?",
        ),
        reply_en=(
            "Yes! Just add a gift note at checkout, wrapping is free.",
            "Of course, put the message in the order notes.",
            "Sure, the packing slip won't show any prices.",
        ),
        open_mixed=("可以 gift wrap 吗，送人的", "能加一张 gift card 吗"),
        reply_mixed=("可以的，下单时备注礼盒包装就行，免费的", "可以，把想写的话备注给我们就行"),
        qa_zh=(("大概什么时候能到？", "正常2到3天就能送到"),),
        qa_en=(("When would it arrive?", "Usually within 2-3 days."),),
    ),
    Topic(
        cause="other",
        department="unassigned",
        desc_zh="售前：保修政策",
        desc_en="Pre-sale: warranty",
        products_zh=("扫地机器人", "电饭煲", "吹风机", "笔记本电脑"),
        products_en=("robot vacuum", "laptop", "hair dryer", "coffee machine"),
        open_zh=("{p}保修多久？", "{p}是全国联保吗", "{p}坏了可以上门修吗"),
        reply_zh=(
            "整机保修一年，主要部件保修三年",
            "是的，全国联保，凭订单就可以保修",
            "支持上门维修，保修期内免费",
        ),
        open_en=(
            "What's the warranty on the {p}?",
            "Is the {p} covered by an international warranty?",
            "Do you offer repair service for the {p}?",
        ),
        reply_en=(
            "One year on the whole unit, three years on the motor.",
            "The warranty covers mainland China only, sorry.",
            "Yes, repairs are free within the warranty period.",
        ),
        open_mixed=("{p}的 warranty 多久", "{p}有没有 after-sales service"),
        reply_mixed=("整机保修一年，主要部件保修三年", "有的，支持上门维修，保修期内免费"),
        qa_zh=(("需要保留发票吗？", "建议保留，保修时需要"),),
        qa_en=(("Do I need to keep the receipt?", "Yes, please keep it for warranty claims."),),
    ),
)


# ---------------------------------------------------------------------------
# Generic pools
# ---------------------------------------------------------------------------

GREET_C = {
    "zh": ("你好在吗", "在吗？", "你好，有人吗", "您好", "客服在吗", "哈喽，在不在"),
    "en": (
        "hi, anyone there?",
        "Hello?",
        "Hi there",
        "hey, is this customer service?",
        "Hello, I need some help",
    ),
    "mixed": ("hi 在吗", "hello，有人吗", "在吗？hello?"),
}
GREET_A = {
    "zh": (
        "您好，在的，请问有什么可以帮您？",
        "亲，您好，很高兴为您服务，请问遇到什么问题了？",
        "您好，我是客服小美，请问有什么可以帮到您",
    ),
    "en": (
        "Hi! Yes, I'm here. How can I help you today?",
        "Hello, thanks for reaching out. What can I do for you?",
        "Hi, this is Sam from customer support. How can I help?",
    ),
}
DOUBLE_C = {
    "zh": ("在吗？", "？？", "有人吗", "人呢"),
    "en": ("Hello??", "Anyone?", "?", "hello, still there?"),
    "mixed": ("hello??", "有人吗 ??", "在吗 anyone?"),
}
INFO_C = {
    "zh": (
        "我是从订单页面点进来咨询的，你那边能看到吧",
        "就是我账号下最新的那一单",
        "[订单卡片]",
        "订单我在app里点给你了",
        "就是上周买的那一单",
    ),
    "en": (
        "I opened this chat from the order page, you should see it.",
        "It's the most recent order on my account.",
        "[order card]",
        "Should be linked to this account, it's my only order this month.",
    ),
    "mixed": ("我从 order page 点进来的，你那边能看到吧", "[订单卡片] 就是这个 order", "就是最新那个 order"),
}
EMO_POLITE = {
    "zh": ("麻烦尽快处理一下，谢谢", "辛苦帮忙看看", "谢谢！", "麻烦了"),
    "en": ("Thanks in advance.", "Could you help please?", "Appreciate any help.", "Thank you!"),
    "mixed": ("麻烦 check 一下，thanks", "please 尽快处理一下", "thank you 辛苦了"),
}
EMO_ANGRY = {
    "zh": ("真的很无语", "太失望了", "第一次买就遇到这种事", "能不能靠谱点", "心态崩了"),
    "en": ("Really disappointed.", "Not impressed at all.", "This is so frustrating.", "Honestly, come on."),
    "mixed": ("真的很 disappointed", "心态崩了 honestly", "this is so annoying 啊", "无语 seriously"),
}
MIXED_DETAIL = ("急用 please 尽快", "[图片] 你看一下 photo", "截图都有 screenshot", "这是我第二次 order 了")
END_OTHER_C = {
    "zh": ("好的，谢谢", "明白了，谢谢", "好嘞，谢谢啦", "OK，那我下单了"),
    "en": ("Great, thanks!", "Got it, thank you.", "Perfect, thanks a lot.", "Ok cool, thanks."),
    "mixed": ("ok 明白了，thanks", "好的 thank you", "perfect，谢谢"),
}
CLOSE_OTHER_A = {
    "zh": ("不客气，祝您购物愉快！", "不客气，有问题随时找我们哦", "感谢支持，祝您生活愉快"),
    "en": ("You're welcome, happy shopping!", "Anytime! Have a nice day.", "Thanks for shopping with us!"),
}
END_C = {
    "zh": (
        "好的，谢谢",
        "行，那我等你们消息",
        "好的，麻烦尽快哈",
        "嗯嗯，辛苦了",
        "OK，谢谢啦",
        "好吧，那就这样处理吧",
    ),
    "en": (
        "Ok, thanks.",
        "Great, thanks for your help!",
        "Alright, I'll wait to hear back.",
        "Appreciate it.",
        "Fine, please keep me posted.",
        "Thank you, that works.",
    ),
    "mixed": ("ok 谢谢", "好的 thanks", "行，keep me posted 哈", "thank you，辛苦了"),
}
CLOSE_A = {
    "zh": (
        "不客气，祝您生活愉快！",
        "好的，有任何问题随时联系我们",
        "感谢您的理解，稍后会有短信通知您",
        "不客气，给您添麻烦了",
    ),
    "en": (
        "You're welcome! Have a great day.",
        "No problem, feel free to reach out anytime.",
        "Thanks for your patience, you'll get an update soon.",
        "Happy to help!",
    ),
}
ANGRY_C = {
    "zh": (
        "上次也是这么说的，到现在都没解决",
        "你们就只会说抱歉吗？",
        "我已经等了很久了，到底什么时候能处理好",
        "每次都是这套话术，有意思吗",
        "这个答复我不接受",
    ),
    "en": (
        "That's exactly what I was told last time.",
        "Sorry doesn't fix anything.",
        "I've waited long enough, when will this actually be fixed?",
        "Stop giving me scripted answers.",
        "That's not good enough.",
    ),
    "mixed": ("上次也是这么说的，nothing happened", "sorry 有什么用啊", "每次都是 copy paste 的回复"),
}
CUE_C = {
    "zh": (
        "再不处理我就打12315投诉你们",
        "我要投诉，把你们领导叫来",
        "找你们领导来跟我说",
        "不解决我就去微博曝光你们",
        "我现在就去给差评",
        "直接给我退款，这单我不要了，差评等着吧",
        "我要投诉！这什么服务",
        "再这样我就去12315投诉，顺便曝光",
    ),
    "en": (
        "I want to speak to a manager. Now.",
        "Get me your supervisor.",
        "I'm filing a chargeback with my bank.",
        "My lawyer will be hearing about this.",
        "Cancel my account, I'm done with you.",
        "I'm leaving a one-star review everywhere.",
        "Put me through to a supervisor or I'm doing a chargeback.",
    ),
    "mixed": (
        "我要投诉，get me a manager",
        "再拖我就去 file chargeback 了",
        "差评 + one-star review 等着吧",
        "找你们 supervisor 来，我要投诉",
    ),
}
PLACATE_A = {
    "zh": (
        "非常理解您的心情，我这边马上帮您加急处理",
        "真的很抱歉，请再给我一点时间核实",
        "给您添麻烦了，我现在就去催",
    ),
    "en": (
        "I completely understand, I'm pushing this as urgent right now.",
        "I'm really sorry. Please give me a moment to check.",
        "I hear you, I'm chasing it right now.",
    ),
}
HANDOFF_A = {
    "zh": (
        "非常抱歉给您带来这么不好的体验，已经将您的问题升级给主管，24小时内会有专人联系您",
        "已为您提交加急工单并升级处理，主管会在今天之内回电",
        "理解您的心情，已经转交投诉专员处理，会尽快给您答复",
    ),
    "en": (
        (
            "I'm very sorry. I've escalated this to my supervisor "
            "and someone senior will contact you within 24 hours."
        ),
        "I've raised a priority case with our team lead, you'll get a call today.",
        (
            "Understood. I've passed this to our complaints team "
            "and they'll get back to you as soon as possible."
        ),
    ),
}
APOLOGY_A = {
    "zh": ("非常抱歉给您带来不便，", "亲，真的很抱歉，", "理解您的心情，", "抱歉让您久等了，"),
    "en": (
        "I'm so sorry about this. ",
        "Sorry to hear that! ",
        "I understand how frustrating that is. ",
        "Apologies for the trouble. ",
    ),
}
NEUTRAL_A = {"zh": ("好的，", "没问题，", "可以的，"), "en": ("Sure. ", "No problem. ", "Of course. ")}
FOUND_A = {
    "zh": ("好的，已经查到了。", "收到，", "查到了，", "好的，"),
    "en": ("Thanks, found it. ", "Got it. ", "Thanks, I can see it now. ", "OK. "),
}
EMAIL_SALUTE_C = {
    "zh": ("客服你好：", "您好："),
    "en": ("Hello,\n", "Dear Customer Service,\n"),
    "mixed": ("Hello 客服，", "Hi team，"),
}
EMAIL_SALUTE_A = {"zh": ("尊敬的顾客，您好：", "您好："), "en": ("Dear customer,\n", "Hello,\n")}

PII_TEMPLATES = {
    "order": {
        "zh": ("订单号 {order}", "订单号是{order}", "订单号：{order}"),
        "en": ("Order number {order}.", "My order number is {order}.", "Order no. {order}."),
        "mixed": ("order number 是 {order}", "订单号 {order}，麻烦 check 一下"),
    },
    "phone": {
        "zh": ("我手机号{phone}，有结果直接打给我", "联系电话 {phone}", "有问题打我电话：{phone}"),
        "en": (
            "You can call me at {phone}.",
            "My phone number is {phone}.",
            "Reach me on {phone} if needed.",
        ),
        "mixed": ("有进展 call 我，{phone}", "我的 phone 是 {phone}"),
    },
    "email": {
        "zh": ("结果发我邮箱 {email}", "我的邮箱是{email}，麻烦发一下凭证", "邮箱：{email}"),
        "en": ("Email me at {email}.", "My email is {email}.", "Please send the details to {email}."),
        "mixed": ("email 我就好，{email}", "我的邮箱 {email}，send 给我"),
    },
    "idcard": {
        "zh": (
            "实名认证的身份证号是{idn}，你们核对一下",
            "身份证号{idn}，账号是我本人的",
            "需要核实身份的话：{idn}",
        ),
        "en": (
            "My ID number is {idn} if you need to verify.",
            "ID for verification: {idn}",
            "Here's my national ID number: {idn}",
        ),
        "mixed": ("ID number 是 {idn}，你们 verify 一下", "身份证 {idn}，verify 用"),
    },
    "card": {
        "zh": ("钱请退到这张卡：{card}", "我付款用的银行卡是{card}", "银行卡号 {card}，你们查一下有没有打款"),
        "en": (
            "Please refund to my card {card}.",
            "I paid with card {card}.",
            "The card number is {card}, check if the money went there.",
        ),
        "mixed": ("refund 到这张卡 {card}", "我的 card 是 {card}"),
    },
}
PII_KIND_WEIGHTS = {"order": 0.30, "phone": 0.30, "email": 0.20, "card": 0.60, "idcard": 0.45}
# Bank cards and ID numbers only where a customer would plausibly volunteer them.
PII_EXTRA_KINDS = {
    "refund_not_received": ("card", "idcard"),
    "app_crash_checkout": ("card",),
    "coupon_not_applied": ("card",),
    "return_pickup": ("card",),
    "crushed_packaging": ("card",),
    "rude_slow_agent": ("idcard",),
    "late_delivery": ("idcard",),
    "invoice_request": ("idcard",),
}
PII_OTHER_TEMPLATES = {
    "zh": ("我电话{phone}，方便的话回个电话", "也可以发我邮箱 {email}", "联系方式：{phone}"),
    "en": ("You can also call me on {phone}.", "Feel free to email me at {email}.", "My number is {phone}."),
    "mixed": ("call 我也可以，{phone}", "或者 email 我：{email}"),
}

ESCALATION_CUES = (
    "投诉",
    "12315",
    "差评",
    "曝光",
    "找你们领导",
    "领导",
    "manager",
    "supervisor",
    "chargeback",
    "lawyer",
    "cancel my account",
    "one-star review",
)

# ---------------------------------------------------------------------------
# Random PII (fake but format-valid)
# ---------------------------------------------------------------------------

PHONE_PREFIXES = (
    "130",
    "131",
    "132",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "158",
    "159",
    "166",
    "176",
    "177",
    "180",
    "186",
    "187",
    "188",
    "189",
    "199",
)
REGION_CODES = (
    "110101",
    "110105",
    "310101",
    "310115",
    "440106",
    "440305",
    "330102",
    "320102",
    "510104",
    "420102",
    "500103",
    "370102",
    "210102",
    "610103",
    "350203",
)
CARD_PREFIXES = ("622202", "622848", "621700", "436742", "622588", "622700", "621483", "625807")
EMAIL_LOCALS = (
    "zhangwei",
    "li.na",
    "wangfang",
    "chen_jie",
    "liuyang",
    "amy.wu",
    "jason.lin",
    "kevin_zhao",
    "sarah.chen",
    "tom.huang",
    "xiaoyu",
    "mike.li",
    "huang.lei",
    "zhou_min",
    "emma.sun",
)
EMAIL_DOMAINS = (
    "qq.com",
    "163.com",
    "126.com",
    "gmail.com",
    "outlook.com",
    "hotmail.com",
    "sina.com",
    "foxmail.com",
)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_checksum(first17: str) -> str:
    """GB 11643 (ISO 7064 MOD 11-2) check character of a mainland ID number."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def luhn_ok(digits: str) -> bool:
    """True when ``digits`` passes the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_complete(partial: str) -> str:
    """Append the Luhn check digit to ``partial``."""
    for check in "0123456789":
        if luhn_ok(partial + check):
            return partial + check
    raise AssertionError("unreachable")


def fake_phone(rng: random.Random) -> str:
    p = rng.choice(PHONE_PREFIXES)
    a = f"{rng.randrange(10000):04d}"
    b = f"{rng.randrange(10000):04d}"
    style = rng.randrange(5)
    if style == 0:
        return f"{p}{a}{b}"
    if style == 1:
        return f"{p} {a} {b}"
    if style == 2:
        return f"{p}-{a}-{b}"
    if style == 3:
        return f"+86-{p}-{a}-{b}"
    return f"+86 {p}{a}{b}"


def fake_email(rng: random.Random) -> str:
    domain = rng.choice(EMAIL_DOMAINS)
    if domain == "qq.com" and rng.random() < 0.5:
        return f"{rng.randrange(10**7, 10**10)}@qq.com"
    local = rng.choice(EMAIL_LOCALS)
    if rng.random() < 0.6:
        local += str(rng.randrange(1, 2000))
    return f"{local}@{domain}"


def fake_id_number(rng: random.Random) -> str:
    born = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 40))
    first17 = f"{rng.choice(REGION_CODES)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_checksum(first17)


def fake_card(rng: random.Random) -> str:
    partial = rng.choice(CARD_PREFIXES) + "".join(str(rng.randrange(10)) for _ in range(9))
    card = luhn_complete(partial)
    if rng.random() < 0.5:
        return " ".join(card[i : i + 4] for i in range(0, 16, 4))
    return card


def fake_order(rng: random.Random, day: date) -> str:
    placed = day - timedelta(days=rng.randrange(0, 10))
    return f"{placed:%Y%m%d}{rng.randrange(10**8):08d}"


# ---------------------------------------------------------------------------
# Conversation planning
# ---------------------------------------------------------------------------

HOUR_WEIGHTS = (
    0.30,
    0.20,
    0.10,
    0.08,
    0.08,
    0.15,
    0.30,
    0.60,
    1.00,
    1.40,
    1.60,
    1.60,
    1.40,
    1.50,
    1.60,
    1.60,
    1.50,
    1.50,
    1.80,
    2.30,
    2.60,
    2.70,
    2.20,
    1.20,
)
WEEKDAY_WEIGHTS = (1.15, 1.05, 1.00, 1.00, 1.00, 1.05, 1.10)  # Mon..Sun
SURGE_DAY_WEIGHTS = (1.8, 1.6, 1.3, 1.0, 0.8, 0.6, 0.5)  # 2026-10-05 .. 2026-10-11
GOLDEN_WEEK = (date(2026, 10, 1), date(2026, 10, 7))


@dataclass
class Plan:
    """Everything decided about a conversation before its text is written."""

    topic: Topic
    lang: str
    channel: str
    start: datetime
    escalate: bool
    pii: bool
    surge: bool
    conv_id: str = ""
    turns: list[tuple[str, str, datetime]] = field(default_factory=list)


def all_days() -> list[date]:
    n = (LAST_DAY - FIRST_DAY).days + 1
    return [FIRST_DAY + timedelta(days=i) for i in range(n)]


def pick_start(rng: random.Random, days: Sequence[date], weights: Sequence[float]) -> datetime:
    day = rng.choices(list(days), weights=list(weights))[0]
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
    return datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=TZ)


def flags(n: int, share: float, rng: random.Random) -> list[bool]:
    k = round(n * share)
    out = [True] * k + [False] * (n - k)
    rng.shuffle(out)
    return out


def lang_list(n: int, rng: random.Random) -> list[str]:
    n_mixed = round(n * 0.10)
    rest = n - n_mixed
    n_zh = rest // 2 + (rest % 2 if rng.random() < 0.5 else 0)
    out = ["mixed"] * n_mixed + ["zh"] * n_zh + ["en"] * (rest - n_zh)
    rng.shuffle(out)
    return out


def plan_corpus(rng: random.Random) -> list[Plan]:
    days = all_days()
    day_w = [
        WEEKDAY_WEIGHTS[d.weekday()] * (0.85 if GOLDEN_WEEK[0] <= d <= GOLDEN_WEEK[1] else 1.0) for d in days
    ]
    surge_days = [SURGE_WEEK + timedelta(days=i) for i in range(7)]
    chans = [c for c, _ in CHANNEL_WEIGHTS]
    chan_w = [w for _, w in CHANNEL_WEIGHTS]

    groups: list[tuple[list[Topic], int, bool]] = []
    for topic in CAUSES:
        groups.append(([topic], 50 + rng.randint(-2, 5), False))
    late = next(t for t in CAUSES if t.cause == SURGE_CAUSE)
    groups.append(([late], N_SURGE, True))
    n_complaints = sum(n for _, n, _ in groups)
    n_other = round(n_complaints * OTHER_SHARE / (1 - OTHER_SHARE))
    groups.append((list(OTHER_TOPICS), n_other, False))

    plans: list[Plan] = []
    for topics, n, surge in groups:
        is_other = topics[0].cause == "other"
        langs = lang_list(n, rng)
        esc = [False] * n if is_other else flags(n, ESCALATION_SHARE, rng)
        pii = flags(n, PII_SHARE, rng)
        for i in range(n):
            topic = topics[i % len(topics)]
            start = pick_start(rng, surge_days, SURGE_DAY_WEIGHTS) if surge else pick_start(rng, days, day_w)
            channel = rng.choices(chans, weights=chan_w)[0]
            plans.append(Plan(topic, langs[i], channel, start, esc[i], pii[i], surge))
    order = sorted(range(len(plans)), key=lambda i: (plans[i].start, i))
    plans = [plans[i] for i in order]
    for k, plan in enumerate(plans, start=1):
        plan.conv_id = f"C{k:04d}"
    return plans


# ---------------------------------------------------------------------------
# Conversation text
# ---------------------------------------------------------------------------

LENGTH_WEIGHTS = ((3, 0.12), (4, 0.20), (5, 0.22), (6, 0.20), (7, 0.14), (8, 0.12))


def pick(rng: random.Random, pool: Sequence[str]) -> str:
    return pool[rng.randrange(len(pool))]


def agent_lang(lang: str) -> str:
    return "en" if lang == "en" else "zh"


def join(lang: str, *parts: str) -> str:
    """Join sentence fragments with the punctuation of ``lang``."""
    kept = [p for p in parts if p]
    if lang == "en":
        return " ".join(kept)
    out = kept[0]
    for p in kept[1:]:
        if out[-1] in "，。！？!?：:.] ":
            out += p
        else:
            out += "，" + p
    return out


def make_fill(rng: random.Random, topic: Topic, lang: str) -> dict[str, str]:
    en = lang == "en" or (lang == "mixed" and rng.random() < 0.3)
    products = topic.products_en if en else topic.products_zh
    gifts = topic.gifts_en if lang == "en" else topic.gifts_zh
    thr = rng.choice((99, 199, 299, 399, 500))
    off = rng.choice((10, 20, 30, 50)) if thr < 300 else rng.choice((30, 50, 60, 80))
    amount = rng.choice((59, 89, 129, 199, 259, 299, 368, 459, 599, 899, 1299, 2399))
    money = "$" if lang == "en" else ""
    return {
        "p": pick(rng, products),
        "g": pick(rng, gifts) if gifts else "",
        "n": str(rng.randint(3, 12)),
        "amt": f"{money}{amount}",
        "off": f"{money}{off}",
        "thr": f"{money}{thr}",
    }


def pii_sentence(rng: random.Random, lang: str, day: date, cause: str) -> str:
    """A customer sentence carrying fake personal data suited to ``cause``."""
    values = {
        "order": fake_order(rng, day),
        "phone": fake_phone(rng),
        "email": fake_email(rng),
        "idn": fake_id_number(rng),
        "card": fake_card(rng),
    }
    if cause == "other":
        return pick(rng, PII_OTHER_TEMPLATES[lang]).format(**values)
    kinds = ["order", "phone", "email", *PII_EXTRA_KINDS.get(cause, ())]
    kind = rng.choices(kinds, weights=[PII_KIND_WEIGHTS[k] for k in kinds])[0]
    text = pick(rng, PII_TEMPLATES[kind][lang]).format(**values)
    if kind != "order" and rng.random() < 0.4:
        order = pick(rng, PII_TEMPLATES["order"][lang]).format(**values)
        text = join(lang, order, text)
    return text


def opening(rng: random.Random, plan: Plan, fill: dict[str, str]) -> tuple[str, int]:
    """The customer's first substantive message and the index of the opening used."""
    topic, lang = plan.topic, plan.lang
    if plan.surge and rng.random() < 0.7:
        pool = {"zh": SURGE_OPEN_ZH, "en": SURGE_OPEN_EN, "mixed": SURGE_OPEN_MIXED}[lang]
    else:
        pool = {"zh": topic.open_zh, "en": topic.open_en, "mixed": topic.open_mixed}[lang]
    idx = rng.randrange(len(pool))
    text = pool[idx].format(**fill)
    if topic.cause != "other" and rng.random() < 0.55:
        if lang == "zh" and topic.detail_zh:
            text = join(lang, text, pick(rng, topic.detail_zh))
        elif lang == "en" and topic.detail_en:
            text = join(lang, text, pick(rng, topic.detail_en))
        elif lang == "mixed":
            extra = pick(rng, MIXED_DETAIL) if rng.random() < 0.5 else pick(rng, topic.detail_zh)
            text = join(lang, text, extra)
    if topic.cause != "other" and rng.random() < 0.3:
        angry = plan.escalate or rng.random() < 0.4
        text = join(lang, text, pick(rng, (EMO_ANGRY if angry else EMO_POLITE)[lang]))
    if plan.channel == "email":
        text = pick(rng, EMAIL_SALUTE_C[lang]) + text
    return text, idx


def solution(rng: random.Random, plan: Plan, fill: dict[str, str], after_info: bool, idx: int) -> str:
    alang = agent_lang(plan.lang)
    topic = plan.topic
    if topic.cause == "other":
        replies = {"zh": topic.reply_zh, "en": topic.reply_en, "mixed": topic.reply_mixed}[plan.lang]
        return replies[idx].format(**fill)
    pool: tuple[str, ...]
    if plan.surge and rng.random() < 0.7:
        pool = SURGE_SOLVE_EN if alang == "en" else SURGE_SOLVE_ZH
    else:
        pool = topic.solve_en if alang == "en" else topic.solve_zh
    body = pick(rng, pool).format(**fill)
    if after_info:
        prefix = pick(rng, FOUND_A[alang])
    elif topic.cause == "invoice_request":  # a request, not a complaint
        prefix = pick(rng, NEUTRAL_A[alang])
    else:
        prefix = pick(rng, APOLOGY_A[alang])
    return prefix + body


def build_turns(rng: random.Random, plan: Plan) -> list[tuple[str, str]]:
    """Write the (speaker, text) turns of one conversation."""
    lang = plan.lang
    alang = agent_lang(lang)
    topic = plan.topic
    is_other = topic.cause == "other"
    fill = make_fill(rng, topic, lang)
    email = plan.channel == "email"
    lengths = [n for n, _ in LENGTH_WEIGHTS]
    target = rng.choices(lengths, weights=[w for _, w in LENGTH_WEIGHTS])[0]
    if is_other:
        target = min(target, 6)

    # Optional building blocks and the number of turns each adds.
    if is_other:
        addons = {"closing": 1, "qa": 2, "greeting": 2, "double": 1}
    elif plan.escalate:
        addons = {"handoff": 1, "info": 2, "angry": 2, "greeting": 2, "double": 1}
    else:
        addons = {"info": 2, "closing": 1, "qa": 2, "greeting": 2, "double": 1}
    if email:
        addons.pop("greeting")
        addons.pop("double")
    names = list(addons)
    rng.shuffle(names)
    # Asking for order details first is the most common shape: try it first.
    if "info" in names and rng.random() < 0.7:
        names.remove("info")
        names.insert(0, "info")
    budget = target - 3
    chosen: list[str] = []
    for name in names:
        if {name, *chosen} >= {"greeting", "double"}:
            continue  # a customer who was just greeted does not ping "anyone there?"
        if addons[name] <= budget:
            chosen.append(name)
            budget -= addons[name]

    qa_pool = topic.qa_en if alang == "en" else topic.qa_zh
    turns: list[tuple[str, str]] = []

    def a(text: str) -> None:
        if email:
            text = pick(rng, EMAIL_SALUTE_A[alang]) + text
        turns.append(("agent", text))

    def c(text: str) -> None:
        turns.append(("customer", text))

    pii_text = pii_sentence(rng, lang, plan.start.date(), topic.cause) if plan.pii else ""
    first, idx = opening(rng, plan, fill)
    if plan.pii and "info" not in chosen:
        first = join(lang, first, pii_text)
    if "greeting" in chosen:
        c(pick(rng, GREET_C[lang]))
        a(pick(rng, GREET_A[alang]))
    c(first)
    if "double" in chosen:
        c(pick(rng, DOUBLE_C[lang]))
    if "info" in chosen:
        a(pick(rng, topic.ask_en if alang == "en" else topic.ask_zh).format(**fill))
        c(pii_text if plan.pii else pick(rng, INFO_C[lang]))
    a(solution(rng, plan, fill, "info" in chosen, idx))
    if plan.escalate:
        if "angry" in chosen:
            c(pick(rng, ANGRY_C[lang]))
            a(pick(rng, PLACATE_A[alang]))
            c(pick(rng, CUE_C[lang]))
        elif rng.random() < 0.5:
            c(join(lang, pick(rng, ANGRY_C[lang]), pick(rng, CUE_C[lang])))
        else:
            c(pick(rng, CUE_C[lang]))
        if "handoff" in chosen:
            a(pick(rng, HANDOFF_A[alang]))
    else:
        if "qa" in chosen and qa_pool:
            q, ans = qa_pool[rng.randrange(len(qa_pool))]
            c(q.format(**fill))
            a(ans.format(**fill))
        c(pick(rng, (END_OTHER_C if is_other else END_C)[lang]))
        if "closing" in chosen:
            a(pick(rng, (CLOSE_OTHER_A if is_other else CLOSE_A)[alang]))
    return turns


def gap_seconds(rng: random.Random, plan: Plan, prev: str, cur: str) -> int:
    email = plan.channel == "email"
    if prev == "customer" and cur == "customer":
        return rng.randint(10, 150)
    if cur == "agent":
        if email:
            return rng.randint(300, 1500)
        if plan.topic.cause == "rude_slow_agent":
            return rng.randint(300, 1100)
        return rng.randint(20, 240)
    return rng.randint(300, 1200) if email else rng.randint(20, 300)


def write_conversation(rng: random.Random, plan: Plan) -> None:
    turns = build_turns(rng, plan)
    gaps = [0] + [gap_seconds(rng, plan, turns[i - 1][0], turns[i][0]) for i in range(1, len(turns))]
    start = plan.start
    end = start + timedelta(seconds=sum(gaps))
    if end > LAST_MOMENT:
        start -= end - LAST_MOMENT + timedelta(seconds=60)
        plan.start = start
    t = start
    plan.turns = []
    for (speaker, text), gap in zip(turns, gaps, strict=True):
        t += timedelta(seconds=gap)
        plan.turns.append((speaker, text, t))


# ---------------------------------------------------------------------------
# Serialisation
# ---------------------------------------------------------------------------


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def generate() -> tuple[list[Plan], str, str]:
    """Return the plans plus the JSONL and CSV file contents."""
    rng = random.Random(SEED)
    plans = plan_corpus(rng)
    for plan in plans:
        write_conversation(rng, plan)
    lines: list[str] = []
    for plan in plans:
        for i, (speaker, text, ts) in enumerate(plan.turns):
            obj = {
                "conversation_id": plan.conv_id,
                "turn": i,
                "speaker": speaker,
                "text": text,
                "timestamp": ts.isoformat(timespec="seconds"),
                "channel": plan.channel,
            }
            lines.append(json.dumps(obj, ensure_ascii=False))
    jsonl = "\n".join(lines) + "\n"
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(LABEL_COLUMNS)
    for plan in plans:
        writer.writerow(
            (
                plan.conv_id,
                plan.topic.cause,
                plan.topic.department,
                plan.lang,
                week_start(plan.turns[0][2].date()).isoformat(),
                int(plan.surge),
            )
        )
    return plans, jsonl, buf.getvalue()


def render_readme(
    labels: list[dict[str, str]], n_turns: int, channels: Counter[str], jsonl_bytes: int
) -> str:
    by_cause = Counter(r["cause"] for r in labels)
    surge = Counter(r["cause"] for r in labels if r["surge"] == "1")
    langs = Counter(r["lang"] for r in labels)
    weeks = Counter(r["week_start"] for r in labels)
    n = len(labels)
    rows = []
    for t in CAUSES:
        base = by_cause[t.cause] - surge[t.cause]
        count = f"{base} + {surge[t.cause]} surge" if surge[t.cause] else str(base)
        rows.append(f"| `{t.cause}` | `{t.department}` | {t.desc_zh} | {t.desc_en} | {count} |")
    rows.append(
        "| `other` | `unassigned` | 售前咨询、表扬、修改地址、积分、礼品包装、保修 | "
        f"Pre-sale questions, praise, address changes, points, gift wrap, warranty | {by_cause['other']} |"
    )
    lang_line = ", ".join(f"{k} {langs[k]} ({langs[k] / n:.0%})" for k in ("zh", "en", "mixed"))
    chan_line = ", ".join(f"{k} {channels[k]} ({channels[k] / n:.0%})" for k, _ in CHANNEL_WEIGHTS)
    week_rows = "\n".join(f"| {w} | {weeks[w]} |" for w in sorted(weeks))
    return f"""# voc_miner demo corpus (SYNTHETIC)

**Everything in this folder is synthetic.** The conversations were generated by
[`generate_demo.py`](generate_demo.py) from hand-written phrase pools and a fixed
random seed (`random.Random({SEED})`). They contain **no real customer data**.
The personal data that appears in about 10% of the conversations (mainland mobile
numbers, e-mail addresses, 18-digit ID numbers with a valid check digit, 16-digit
bank card numbers passing the Luhn check, order numbers) is random and only
format-valid, so that PII masking can be demonstrated; any match with a real
person or account is coincidental.

The corpus imitates the customer-service chats of a Chinese e-commerce shop:
Chinese, English and code-switched (mixed) conversations, each a few turns
between a customer and an agent, with a known root cause planted in each one.

## Files

| file | content |
| --- | --- |
| `demo_ecommerce.jsonl` | {n_turns} turns, one JSON object per line ({jsonl_bytes / 1e6:.2f} MB) |
| `demo_labels.csv` | {n} conversations, one row each: the planted ground truth |
| `generate_demo.py` | the generator (standard library only) and its self-check |

### `demo_ecommerce.jsonl`

| key | type | meaning |
| --- | --- | --- |
| `conversation_id` | str | `C0001` ... `C{n:04d}`, numbered in order of the first turn's time |
| `turn` | int | 0-based position inside the conversation |
| `speaker` | str | `customer` or `agent`; every conversation starts with the customer |
| `text` | str | the message |
| `timestamp` | str | ISO 8601 with `+08:00` offset, strictly increasing inside a conversation |
| `channel` | str | `chat`, `app` or `email` |

There is deliberately no `lang` column: voc_miner detects the language per turn.

### `demo_labels.csv`

`conversation_id,cause,department,lang,week_start,surge`

* `cause` / `department`: the planted root cause and its owning department (table below).
* `lang`: `zh`, `en` or `mixed` (code-switched, e.g. "退款还没到账, refund status 一直 pending").
* `week_start`: Monday (ISO date) of the week of the conversation's first turn.
* `surge`: `1` for the extra late-delivery conversations of the Golden Week surge, else `0`.

## Planted root causes

| cause | department | 描述 | description | conversations |
| --- | --- | --- | --- | --- |
{chr(10).join(rows)}

Each complaint is assembled from pools (at least 15 Chinese and 15 English openings
per cause, plus code-switched openings, product names, details, follow-up questions,
emotional add-ons and agent replies), so no cause is a single template.

## Surge

`late_delivery` has {surge[SURGE_CAUSE]} extra conversations (`surge=1`) in the week starting
Monday {SURGE_WEEK.isoformat()}: the parcel backlog after the National Day (国庆 / Golden Week)
holiday. Many of them mention the holiday ("国庆前下的单...", "Ordered before the Golden
Week holiday..."). A root-cause trend view should show `late_delivery` spiking that week.

| week_start | conversations |
| --- | --- |
{week_rows}

## Other properties

* Conversations: {n}; turns: {n_turns}; 3 to 8 turns each, mostly alternating customer/agent,
  sometimes opening with a greeting ("你好在吗", "hi, anyone there?") before the complaint.
* Languages: {lang_line}. Agents answer in English in English conversations and
  in Chinese otherwise.
* Channels: {chan_line}.
* Time span: 2026-09-01 to 2026-10-31 (+08:00), busier in the evening and quieter at night.
* Escalation: about 20% of complaint conversations escalate; later customer turns get
  angrier and contain explicit cues (投诉, 12315, 差评, 曝光, 找你们领导 / manager,
  supervisor, chargeback, lawyer, cancel my account, one-star review). The other
  conversations stay calm and these cue words do not appear in them.
* PII: about 10% of conversations carry personal data in a customer turn (see above).

## Regenerate

```bash
python corpora/generate_demo.py          # rewrites the three files, then runs the self-check
python corpora/generate_demo.py --check  # only checks the files on disk
```

The output is byte-identical on every run (fixed seed, standard library only, Python 3.11+).
"""


# ---------------------------------------------------------------------------
# Self-check
# ---------------------------------------------------------------------------

PHONE_RE = re.compile(r"(?<![0-9A-Za-z])(?:\+86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
EMAIL_RE = re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9-]+\.[A-Za-z.]+")
ID_RE = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)")
CARD_RE = re.compile(r"(?<!\d)\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}(?!\d)")
ORDER_RE = re.compile(r"(?<!\d)2026\d{12}(?!\d)")
CUE_RE = re.compile("|".join(re.escape(c) for c in ESCALATION_CUES), re.IGNORECASE)


def pii_found(text: str) -> list[str]:
    """The PII kinds found in ``text``; raises on a malformed ID or card number."""
    kinds: list[str] = []
    if ORDER_RE.search(text):
        kinds.append("order")
    for m in ID_RE.finditer(text):
        assert id_checksum(m.group()[:17]) == m.group()[17], f"bad ID checksum: {m.group()}"
        kinds.append("idcard")
    for m in CARD_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if digits.startswith("2026"):
            continue
        assert luhn_ok(digits), f"card fails Luhn: {m.group()}"
        kinds.append("card")
    if PHONE_RE.search(text):
        kinds.append("phone")
    if EMAIL_RE.search(text):
        kinds.append("email")
    return kinds


def table(title: str, counts: Counter[str], total: int, keys: Sequence[str] | None = None) -> str:
    keys = list(keys) if keys is not None else sorted(counts)
    width = max([len(title)] + [len(k) for k in keys])
    out = [f"{title:<{width}}  {'n':>5}  {'share':>6}"]
    for k in keys:
        out.append(f"{k:<{width}}  {counts[k]:>5}  {counts[k] / total:>6.1%}")
    return "\n".join(out)


def check(
    directory: Path,
    *,
    expect: tuple[str, str] | None = None,
    plans: Sequence[Plan] | None = None,
) -> None:
    """Assert the acceptance criteria on the files in ``directory`` and print a summary.

    ``expect`` (fresh JSONL and CSV text) checks that the files are reproducible;
    ``plans`` checks that escalation and PII are detected exactly where planted.
    """
    jsonl_path = directory / JSONL_NAME
    labels_path = directory / LABELS_NAME
    raw = jsonl_path.read_bytes()
    assert len(raw) < MAX_JSONL_BYTES, f"{JSONL_NAME} is {len(raw)} bytes"
    if expect is not None:
        assert raw.decode("utf-8") == expect[0], "JSONL differs from a fresh generation"
        assert labels_path.read_text(encoding="utf-8") == expect[1], "labels differ from a fresh generation"

    rows = [json.loads(line) for line in raw.decode("utf-8").splitlines()]
    with labels_path.open(encoding="utf-8", newline="") as fh:
        labels = list(csv.DictReader(fh))
    assert tuple(labels[0].keys()) == LABEL_COLUMNS
    label_by_id = {r["conversation_id"]: r for r in labels}
    assert len(label_by_id) == len(labels)

    convs: dict[str, list[dict[str, object]]] = {}
    for r in rows:
        assert list(r) == ["conversation_id", "turn", "speaker", "text", "timestamp", "channel"]
        convs.setdefault(str(r["conversation_id"]), []).append(r)
    assert set(convs) == set(label_by_id), "turn file and label file disagree on conversations"

    n = len(labels)
    assert n >= 700, f"only {n} conversations"
    departments = {t.cause: t.department for t in CAUSES} | {"other": "unassigned"}
    cause_counts = Counter(r["cause"] for r in labels)
    base_counts = Counter(r["cause"] for r in labels if r["surge"] == "0")
    surge_rows = [r for r in labels if r["surge"] == "1"]
    for r in labels:
        assert departments[r["cause"]] == r["department"], r
    for topic in CAUSES:
        assert 45 <= base_counts[topic.cause] <= 60, (topic.cause, base_counts[topic.cause])
    assert 40 <= len(surge_rows) <= 50
    assert all(r["cause"] == SURGE_CAUSE and r["week_start"] == SURGE_WEEK.isoformat() for r in surge_rows)
    assert 0.06 <= cause_counts["other"] / n <= 0.10

    langs = Counter(r["lang"] for r in labels)
    assert langs["zh"] / n >= 0.40 and langs["en"] / n >= 0.40, langs
    assert 0.07 <= langs["mixed"] / n <= 0.13, langs

    channels: Counter[str] = Counter()
    hours: Counter[int] = Counter()
    alternating = pairs = 0
    escalated = complaint = pii_convs = 0
    escalated_ids: set[str] = set()
    pii_ids: set[str] = set()
    pii_kinds: Counter[str] = Counter()
    first_texts: dict[str, set[str]] = {}
    for cid, turns in convs.items():
        label = label_by_id[cid]
        assert 3 <= len(turns) <= 8, (cid, len(turns))
        assert [t["turn"] for t in turns] == list(range(len(turns))), cid
        assert turns[0]["speaker"] == "customer", cid
        assert {t["speaker"] for t in turns} == {"customer", "agent"}, cid
        assert len({t["channel"] for t in turns}) == 1, cid
        stamps = [datetime.fromisoformat(str(t["timestamp"])) for t in turns]
        assert all(s.utcoffset() == timedelta(hours=8) for s in stamps), cid
        assert all(a < b for a, b in itertools.pairwise(stamps)), cid
        assert all((b - a) <= timedelta(minutes=30) for a, b in itertools.pairwise(stamps)), cid
        assert stamps[0].date() >= FIRST_DAY and stamps[-1] <= LAST_MOMENT, cid
        assert week_start(stamps[0].date()).isoformat() == label["week_start"], cid
        channels[str(turns[0]["channel"])] += 1
        hours[stamps[0].hour] += 1
        for a, b in itertools.pairwise(turns):
            pairs += 1
            alternating += a["speaker"] != b["speaker"]
        customer_text = " ".join(str(t["text"]) for t in turns if t["speaker"] == "customer")
        all_text = " ".join(str(t["text"]) for t in turns)
        if label["cause"] != "other":
            complaint += 1
            if CUE_RE.search(customer_text):
                escalated += 1
                escalated_ids.add(cid)
                last_customer = [t for t in turns if t["speaker"] == "customer"][-1]
                assert CUE_RE.search(str(last_customer["text"])), cid
            else:
                assert not CUE_RE.search(all_text), cid
        else:
            assert not CUE_RE.search(all_text), cid
        kinds = pii_found(customer_text)
        for t in turns:
            if t["speaker"] == "agent":
                assert not pii_found(str(t["text"])), cid
        if kinds:
            pii_convs += 1
            pii_ids.add(cid)
            pii_kinds.update(set(kinds))
        greetings = {g for pool in GREET_C.values() for g in pool}
        complaint_turn = next(str(t["text"]) for t in turns if t["text"] not in greetings)
        first_texts.setdefault(label["cause"], set()).add(complaint_turn)

    if plans is not None:
        assert escalated_ids == {p.conv_id for p in plans if p.escalate}, "escalation cues misplaced"
        assert pii_ids == {p.conv_id for p in plans if p.pii}, "PII misplaced or undetected"
    assert sum(1 for c in channels.values() if c / n >= 0.10) >= 2, channels
    assert alternating / pairs >= 0.85, alternating / pairs
    assert 0.15 <= escalated / complaint <= 0.25, escalated / complaint
    assert 0.08 <= pii_convs / n <= 0.12, pii_convs / n
    evening = sum(hours[h] for h in range(18, 24)) / n
    night = sum(hours[h] for h in range(0, 6)) / n
    assert evening > 2 * night, (evening, night)
    weeks = Counter(r["week_start"] for r in labels)
    assert len(weeks) == 9, weeks
    assert weeks[SURGE_WEEK.isoformat()] == max(weeks.values())
    for topic in OTHER_TOPICS:
        assert len(topic.reply_zh) == len(topic.open_zh) and len(topic.reply_en) == len(topic.open_en)
        assert len(topic.reply_mixed) == len(topic.open_mixed), topic.desc_en
    for topic in CAUSES:
        assert len(set(topic.open_zh)) >= 15 and len(set(topic.open_en)) >= 15, topic.cause
        assert len(first_texts[topic.cause]) >= 30, (topic.cause, len(first_texts[topic.cause]))

    print(f"{n} conversations, {len(rows)} turns, {len(raw) / 1e6:.2f} MB JSONL\n")
    cause_keys = [*(c.cause for c in CAUSES), "other"]
    print(table("cause", cause_counts, n, cause_keys))
    print(f"  (of which {SURGE_CAUSE}: {len(surge_rows)} surge, {base_counts[SURGE_CAUSE]} regular)\n")
    print(table("lang", langs, n, ["zh", "en", "mixed"]) + "\n")
    print(table("channel", channels, n, [c for c, _ in CHANNEL_WEIGHTS]) + "\n")
    late_by_week = Counter(r["week_start"] for r in labels if r["cause"] == SURGE_CAUSE)
    surge_by_week = Counter(r["week_start"] for r in surge_rows)
    print(f"{'week_start':<10}  {'all':>5}  {'late':>5}  {'surge':>5}")
    for w in sorted(weeks):
        print(f"{w:<10}  {weeks[w]:>5}  {late_by_week[w]:>5}  {surge_by_week[w]:>5}")
    print(
        f"\nescalated: {escalated}/{complaint} complaints ({escalated / complaint:.1%}); "
        f"PII: {pii_convs}/{n} ({pii_convs / n:.1%}) {dict(sorted(pii_kinds.items()))}; "
        f"alternating pairs {alternating / pairs:.1%}; evening starts {evening:.1%}, night {night:.1%}"
    )
    print("self-check OK")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="only check the files already on disk")
    parser.add_argument(
        "--out-dir", type=Path, default=HERE, help="output folder (default: next to this script)"
    )
    args = parser.parse_args(argv)
    out: Path = args.out_dir
    if args.check:
        fresh = generate()
        check(out, expect=fresh[1:], plans=fresh[0])
        return 0
    plans, jsonl, labels_csv = generate()
    out.mkdir(parents=True, exist_ok=True)
    (out / JSONL_NAME).write_text(jsonl, encoding="utf-8", newline="\n")
    (out / LABELS_NAME).write_text(labels_csv, encoding="utf-8", newline="\n")
    labels = list(csv.DictReader(io.StringIO(labels_csv)))
    channels = Counter(p.channel for p in plans)
    n_turns = sum(len(p.turns) for p in plans)
    readme = render_readme(labels, n_turns, channels, len(jsonl.encode("utf-8")))
    (out / README_NAME).write_text(readme, encoding="utf-8", newline="\n")
    check(out, expect=(jsonl, labels_csv), plans=plans)
    return 0


if __name__ == "__main__":
    sys.exit(main())
