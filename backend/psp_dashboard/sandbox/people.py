"""Synthetic payers: names (some in Devanagari, Tamil and Bengali script), e-mails,
phones and UPI handles, derived from a hash so that no list of people is stored."""

from __future__ import annotations

from dataclasses import dataclass

from psp_dashboard.sandbox.rng import hash64

_SALT_PERSON = 0x9E0E

FIRST = (
    "Asha", "Rahul", "Priya", "Amit", "Sneha", "Vikram", "Anjali", "Rohan", "Kavya",
    "Arjun", "Deepa", "Suresh", "Lakshmi", "Manoj", "Pooja", "Karthik", "Neha", "Sanjay",
    "Divya", "Imran", "Fatima", "Gurpreet", "Harpreet", "Joseph", "Mary", "Abhishek",
    "Meera", "Nikhil", "Ritu", "Sandeep", "Tanvi", "Yash", "Zoya", "Farhan", "Ishaan",
)  # fmt: skip
LAST = (
    "Rao", "Sharma", "Verma", "Patel", "Reddy", "Iyer", "Nair", "Singh", "Khan", "Das",
    "Gupta", "Mehta", "Joshi", "Kulkarni", "Pillai", "Banerjee", "Mukherjee", "Naidu",
    "Shetty", "Chatterjee", "Menon", "Bhat", "Yadav", "Thomas", "Ansari",
)  # fmt: skip
# (first, last) as written by the payer, and a Latin spelling for the e-mail.
NATIVE = (
    (("अमित", "शर्मा"), ("amit", "sharma")),
    (("प्रिया", "वर्मा"), ("priya", "verma")),
    (("राहुल", "गुप्ता"), ("rahul", "gupta")),
    (("सुनीता", "देवी"), ("sunita", "devi")),
    (("अंजलि", "सिंह"), ("anjali", "singh")),
    (("கார்த்திக்", "ராஜா"), ("karthik", "raja")),
    (("সৌরভ", "দাস"), ("sourav", "das")),
)
MAIL_DOMAINS = ("gmail.com", "yahoo.co.in", "outlook.com", "rediffmail.com", "example.in")
VPA_HANDLES = ("ybl", "okaxis", "oksbi", "paytm", "ibl", "axl", "okhdfcbank")
_NATIVE_SHARE = 8  # out of 100 payers write their name in an Indian script


@dataclass(frozen=True, slots=True)
class Payer:
    first_name: str
    last_name: str
    email: str
    phone: str
    vpa: str
    user_id: str  # 32 hex, Vima's user_id and customer_account.id

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def payer(seed: int, person: int) -> Payer:
    h = hash64(seed, person, _SALT_PERSON)
    h2 = hash64(seed, person, _SALT_PERSON + 1)
    if h % 100 < _NATIVE_SHARE:
        (first, last), (lat_first, lat_last) = NATIVE[(h >> 8) % len(NATIVE)]
    else:
        first = FIRST[(h >> 8) % len(FIRST)]
        last = LAST[(h >> 16) % len(LAST)]
        lat_first, lat_last = first.lower(), last.lower()
    number = (h >> 24) % 1000
    email = f"{lat_first}.{lat_last}{number}@{MAIL_DOMAINS[(h >> 34) % len(MAIL_DOMAINS)]}"
    phone = f"{6 + (h2 % 4)}{(h2 >> 4) % 10**9:09d}"
    handle = VPA_HANDLES[(h2 >> 40) % len(VPA_HANDLES)]
    vpa = f"{phone}@{handle}" if (h2 >> 50) % 3 else f"{lat_first}{number}@{handle}"
    user_id = f"{h:016x}{h2:016x}"
    return Payer(first, last, email, phone, vpa, user_id)
