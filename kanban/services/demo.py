"""A realistic demo board: an operations team's last eight weeks, replayed.

``fill_demo_board`` gives an empty board six admins (Windows, Linux,
storage), about eighty everyday ops cards and a history that looks lived in:
cards are created, pulled from the pool into people's lanes, reviewed, sent
back, blocked and released, with a handful of rule overrides and their
reasons. Everything goes through :class:`BoardService` with past timestamps
(a small discrete-event simulation over working hours), so the demo's history
has exactly the shape real use produces, and the GUI screenshot script, the
CLI's ``kanban demo`` and the tests all get the same board for the same seed.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from kanban.domain.model import ColumnKind, Rule
from kanban.errors import RuleViolationError, UserError
from kanban.services.board import BoardService, CardFilter

log = logging.getLogger(__name__)

DEMO_BOARD_NAME = "Infrastructure Operations"
HISTORY_DAYS = 56
WORK_START = 8
WORK_END = 17
# Overrides during the simulated weeks (big cards get one more when created):
# enough to show in the history and the report, few enough to stay exceptions.
MAX_OVERRIDES = 10
# Chance that a person starts a planned card on a given day: an ops team's days
# go mostly to incidents and requests that never reach the board.
PULL_CHANCE = 0.45


@dataclass(frozen=True, slots=True)
class _PersonSpec:
    name: str
    jira_user: str
    colour: str
    wip_limit: int | None
    skill: str


PEOPLE: tuple[_PersonSpec, ...] = (
    _PersonSpec("Anna Kowalski", "akowalski", "#4e79a7", 3, "windows"),
    _PersonSpec("Ben Okafor", "bokafor", "#f28e2b", None, "windows"),
    _PersonSpec("Chloé Martin", "cmartin", "#59a14f", 2, "linux"),
    _PersonSpec("Dmitri Volkov", "dvolkov", "#e15759", None, "linux"),
    _PersonSpec("Elena García", "egarcia", "#b07aa1", 3, "storage"),
    _PersonSpec("Farid Haddad", "fhaddad", "#76b7b2", None, "storage"),
)

# (skill, title, project, labels, size in days). Sizes over the board's two
# days are on purpose: they are the cards the size rule flags.
TASKS: tuple[tuple[str, str, str, str, float], ...] = (
    (
        "windows",
        "Patch WSFC cluster SQLCL01 with the monthly cumulative update",
        "Patching",
        "windows,patching",
        1,
    ),
    ("windows", "Patch file servers FS01-FS04 (monthly CU)", "Patching", "windows,patching", 1),
    ("windows", "Patch domain controllers DC01 and DC02", "Patching", "windows,patching,ad", 1),
    ("windows", "Patch RDS session hosts RDS01-RDS06", "Patching", "windows,patching", 1.5),
    ("windows", "Renew IIS certificate on intranet web01", "Certificates", "windows,tls", 0.5),
    ("windows", "Renew RD Gateway certificate on rdgw01", "Certificates", "windows,tls", 0.5),
    ("windows", "Renew ADFS token-signing certificate", "Certificates", "windows,tls,ad", 1),
    (
        "windows",
        "Upgrade app01 from Windows Server 2016 to 2022",
        "Server 2022 migration",
        "windows,upgrade",
        3,
    ),
    (
        "windows",
        "Upgrade print01 to Windows Server 2022 and move queues",
        "Server 2022 migration",
        "windows,upgrade",
        2,
    ),
    (
        "windows",
        "Clean up stale computer accounts in the Workstations OU",
        "Active Directory",
        "windows,ad",
        0.5,
    ),
    (
        "windows",
        "Rotate gMSA password for the SQL Agent service",
        "Active Directory",
        "windows,ad,security",
        0.5,
    ),
    ("windows", "Fix WSUS synchronisation failures on wsus01", "Patching", "windows,wsus", 1),
    ("windows", "Migrate DHCP scope 10.20.0.0/22 to dhcp02", "Network services", "windows,dhcp", 1),
    (
        "windows",
        "Extend BitLocker GPO to the Lyon site laptops",
        "Endpoint",
        "windows,gpo,security",
        1,
    ),
    (
        "windows",
        "Raise C: drive free-space alert on Exchange servers",
        "Monitoring",
        "windows,monitoring",
        0.5,
    ),
    (
        "windows",
        "Decommission old terminal server ts02",
        "Server 2022 migration",
        "windows,decommission",
        1,
    ),
    (
        "windows",
        "Enable LDAP signing on all domain controllers",
        "Active Directory",
        "windows,ad,security",
        2,
    ),
    (
        "windows",
        "Update DFS namespace targets after FS03 move",
        "File services",
        "windows,dfs",
        0.5,
    ),
    ("windows", "Patch Hyper-V hosts HV01-HV03", "Patching", "windows,patching,hyper-v", 1.5),
    (
        "windows",
        "Audit local admin group members on app servers",
        "Security",
        "windows,security,audit",
        1,
    ),
    (
        "windows",
        "Replace expired code-signing cert for login scripts",
        "Certificates",
        "windows,tls",
        0.5,
    ),
    ("windows", "Set up LAPS for the new jump hosts", "Security", "windows,security", 1),
    (
        "windows",
        "Remove SMBv1 from the last two file servers",
        "Security",
        "windows,security,smb",
        1,
    ),
    (
        "windows",
        "Fix failing scheduled task for the HR export on app03",
        "Applications",
        "windows,incident",
        0.5,
    ),
    (
        "windows",
        "Document the domain controller restore procedure",
        "Active Directory",
        "windows,docs",
        1,
    ),
    (
        "windows",
        "Move Windows event forwarding to the new collector",
        "Monitoring",
        "windows,logging",
        1.5,
    ),
    ("linux", "Patch web tier web01-web08 (kernel and OpenSSL)", "Patching", "linux,patching", 1),
    ("linux", "Patch database hosts pg01-pg03", "Patching", "linux,patching,postgres", 1),
    (
        "linux",
        "Renew Let's Encrypt certificate for status.example.com",
        "Certificates",
        "linux,tls",
        0.5,
    ),
    (
        "linux",
        "Renew wildcard certificate *.corp.example.com on the load balancers",
        "Certificates",
        "linux,tls,haproxy",
        1,
    ),
    ("linux", "Add DNS A and PTR records for the new build agents", "DNS", "linux,dns", 0.5),
    ("linux", "Lower TTLs before the mail gateway migration", "DNS", "linux,dns,mail", 0.5),
    ("linux", "Add reverse zone for 10.40.0.0/16", "DNS", "linux,dns", 0.5),
    ("linux", "Enable DNSSEC on example.com", "DNS", "linux,dns,security", 2),
    ("linux", "Move all hosts to the new NTP servers", "Network services", "linux,ntp", 1),
    ("linux", "Upgrade PostgreSQL 13 to 15 on pg02", "Databases", "linux,postgres,upgrade", 3),
    ("linux", "Rotate SSH host keys on the bastion hosts", "Security", "linux,ssh,security", 0.5),
    (
        "linux",
        "Write Ansible role for node_exporter",
        "Monitoring",
        "linux,ansible,monitoring",
        1.5,
    ),
    ("linux", "Fix logrotate for nginx on web03", "Applications", "linux,nginx,incident", 0.5),
    (
        "linux",
        "Raise inode alert threshold on /var for the log hosts",
        "Monitoring",
        "linux,monitoring",
        0.5,
    ),
    ("linux", "Upgrade Ubuntu 20.04 jump hosts to 22.04", "OS upgrades", "linux,upgrade", 2),
    (
        "linux",
        "Replace CentOS 7 syslog server with Rocky 9",
        "OS upgrades",
        "linux,upgrade,logging",
        4,
    ),
    (
        "linux",
        "Harden sshd config per CIS benchmark on app hosts",
        "Security",
        "linux,security,ssh",
        1,
    ),
    (
        "linux",
        "Set up unattended-upgrades for security patches on dev hosts",
        "Patching",
        "linux,patching",
        1,
    ),
    (
        "linux",
        "Add Prometheus alert for certificate expiry",
        "Monitoring",
        "linux,monitoring,tls",
        0.5,
    ),
    (
        "linux",
        "Clean up old kernels filling /boot on build hosts",
        "Applications",
        "linux,incident",
        0.5,
    ),
    (
        "linux",
        "Migrate cron jobs from util01 to systemd timers",
        "Applications",
        "linux,systemd",
        1.5,
    ),
    (
        "linux",
        "Increase HAProxy maxconn for the API frontend",
        "Applications",
        "linux,haproxy",
        0.5,
    ),
    ("linux", "Rebuild gitlab-runner02 after disk failure", "Applications", "linux,ci,incident", 1),
    (
        "linux",
        "Patch Kubernetes worker nodes k8s-w01-w06",
        "Patching",
        "linux,patching,kubernetes",
        1.5,
    ),
    (
        "linux",
        "Update internal CA bundle on all Linux hosts",
        "Certificates",
        "linux,tls,ansible",
        1,
    ),
    ("linux", "Move Grafana to the new monitoring VM", "Monitoring", "linux,monitoring", 1),
    ("storage", "Expand SAN LUN for the SQL cluster by 2 TB", "Storage", "storage,san,sql", 1),
    ("storage", "Expand VMware datastore DS-PROD-07 by 4 TB", "Storage", "storage,san,vmware", 1),
    (
        "storage",
        "Replace failed disk in array NAS02 shelf 3",
        "Storage",
        "storage,hardware,incident",
        0.5,
    ),
    ("storage", "Update firmware on SAN01 controllers", "Storage", "storage,san,firmware", 2),
    (
        "storage",
        "Zone new ESXi hosts esx14 and esx15 on both fabrics",
        "Storage",
        "storage,san,fc",
        1,
    ),
    ("storage", "Clean up orphaned snapshots on SAN01", "Storage", "storage,san", 0.5),
    (
        "storage",
        "Check replication lag between SAN01 and SAN02",
        "Storage",
        "storage,replication",
        0.5,
    ),
    ("storage", "Add 10 TB to NFS export /data/research", "Storage", "storage,nfs", 1),
    (
        "storage",
        "Test restore of the ERP database from last night's backup",
        "Backup",
        "storage,backup,restore-test",
        1,
    ),
    (
        "storage",
        "Test restore of a file share folder from tape",
        "Backup",
        "storage,backup,restore-test",
        0.5,
    ),
    ("storage", "Fix failing Veeam job PROD-VMs-Nightly", "Backup", "storage,backup,incident", 0.5),
    ("storage", "Move backup copies to the offsite S3 bucket", "Backup", "storage,backup,s3", 3),
    (
        "storage",
        "Extend backup retention for finance to 10 years",
        "Backup",
        "storage,backup,compliance",
        1,
    ),
    (
        "storage",
        "Add Exchange DAG to the backup schedule",
        "Backup",
        "storage,backup,exchange",
        0.5,
    ),
    ("storage", "Decommission the old tape library", "Backup", "storage,backup,decommission", 2),
    ("storage", "Rebalance aggregates on NAS01", "Storage", "storage,nas", 1),
    ("storage", "Enable SMB encryption on finance shares", "Storage", "storage,nas,security", 0.5),
    ("storage", "Review capacity forecast for Q3 storage budget", "Storage", "storage,capacity", 1),
    ("storage", "Upgrade Veeam Backup & Replication to v12", "Backup", "storage,backup,upgrade", 2),
    (
        "storage",
        "Add immutable repository for ransomware protection",
        "Backup",
        "storage,backup,security",
        5,
    ),
    (
        "storage",
        "Replace SFP on fabric switch fc-sw02 port 14",
        "Storage",
        "storage,fc,hardware",
        0.5,
    ),
    ("storage", "Set up snapshot schedule for the new VDI volumes", "Storage", "storage,vdi", 0.5),
    (
        "storage",
        "Fix NFS stale handle errors on the build farm",
        "Storage",
        "storage,nfs,incident",
        1,
    ),
    ("storage", "Document SAN zoning naming convention", "Storage", "storage,docs", 0.5),
    (
        "windows",
        "Renew wildcard certificate on the Exchange servers",
        "Certificates",
        "windows,tls,exchange",
        1,
    ),
    (
        "linux",
        "Renew certificate for the internal Docker registry",
        "Certificates",
        "linux,tls",
        0.5,
    ),
    ("storage", "Migrate home drives from NAS01 to NAS03", "Storage", "storage,nas,migration", 4),
    (
        "windows",
        "Patch Exchange servers with the security update",
        "Patching",
        "windows,patching,exchange",
        1,
    ),
    ("linux", "Add DNS records for the new VPN concentrator", "DNS", "linux,dns,vpn", 0.5),
)

DESCRIPTIONS: dict[str, str] = {
    "Patching": "Follow the patching runbook: snapshot or backup first, drain, patch, reboot, "
    "check services and monitoring, then close the change.",
    "Certificates": "Request the certificate from the CA, install it, restart the service "
    "and check the chain from outside. Update the expiry in the certificate register.",
    "Storage": "Check capacity and the change calendar first; note the array serial and "
    "volume names in the change record.",
    "Backup": "Record timings and results in the backup log; a failed test is a finding, "
    "not a failure.",
    "DNS": "Make the change in the IPAM first, then check resolution from both sites.",
}

_COMMON_WAITS = (
    "Waiting for the change advisory board on Thursday",
    "Needs a maintenance window agreed with the application owner",
)
NOT_READY_REASONS: dict[str, tuple[str, ...]] = {
    "windows": (
        *_COMMON_WAITS,
        "Waiting for the licence key from procurement",
        "Waiting for server networking (NET-412)",
    ),
    "linux": (
        *_COMMON_WAITS,
        "Blocked until firewall rule FW-233 is in place",
        "Waiting for server networking (NET-412)",
    ),
    "storage": (
        *_COMMON_WAITS,
        "Vendor has not shipped the replacement disk yet",
        "Waiting for budget approval for the extra disk shelf",
    ),
}
BLOCK_REASONS = (
    "Waiting on vendor support case 02318845",
    "Application owner asked to pause until month-end close",
    "Need a reboot window from the business",
    "Waiting for the new certificate from the CA",
    "Change request rejected by CAB; resubmitting with a rollback plan",
    "Waiting for the network team to open the port",
)
SIZE_OVERRIDES = (
    "Vendor estimate; we split it after the first day of work",
    "One change window, it cannot be split sensibly",
)
WIP_OVERRIDES = (
    "P1 incident: expired certificate takes the customer portal down",
    "Covering for a colleague on leave this week",
    "Change window is tonight; the work has to start now",
    "Audit finding due Friday; agreed with the team lead",
)
LEFT_OVERRIDES = (
    "Review found no rollback plan; back to work",
    "Post-change check failed; reopening",
    "Reviewer asked for the Ansible change to be tested on staging first",
)


@dataclass
class _CardState:
    """What the simulation knows about a card (the board has the truth)."""

    card_id: str
    skill: str
    stage: str = "pool"  # pool | work | review | done
    person: str | None = None
    blocked: bool = False
    urgent: bool = False


@dataclass
class _Sim:
    service: BoardService
    rng: random.Random
    now: datetime
    work_col: int
    review_col: int | None
    done_col: int
    pool_col: int
    cards: list[_CardState] = field(default_factory=list)
    queue: list[tuple[datetime, int, Callable[[datetime], None]]] = field(default_factory=list)
    seq: itertools.count = field(default_factory=itertools.count)  # type: ignore[type-arg]
    overrides: int = 0
    sent_back: int = 0
    people: dict[str, _PersonSpec] = field(default_factory=dict)

    def at(self, when: datetime, action: Callable[[datetime], None]) -> None:
        if when < self.now:
            heapq.heappush(self.queue, (when, next(self.seq), action))

    def act_as(self, name: str) -> None:
        self.service.actor = name


def working_time(start: datetime, hours: float) -> datetime:
    """``start`` plus ``hours`` of working time (weekdays, 08:00 to 17:00 UTC)."""
    t = start
    remaining = timedelta(hours=hours)
    while True:
        if t.weekday() >= 5 or t.hour >= WORK_END:
            t = datetime.combine(t.date() + timedelta(days=1), time(WORK_START), tzinfo=UTC)
            continue
        if t.hour < WORK_START:
            t = datetime.combine(t.date(), time(WORK_START), tzinfo=UTC)
        end = datetime.combine(t.date(), time(WORK_END), tzinfo=UTC)
        if t + remaining < end:
            return t + remaining
        remaining -= end - t
        t = end


def _jittered(day: date, hour: int, rng: random.Random) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC) + timedelta(minutes=rng.randint(0, 50))


def fill_demo_board(service: BoardService, *, seed: int = 7, now: datetime | None = None) -> None:
    """Fill an empty board with a demo ops team and eight weeks of history.

    Args:
        service: a board without cards or people (a fresh database).
        seed: the same seed and ``now`` give the same board.
        now: the end of the simulated history (default: the current time).

    Raises:
        UserError: the board already has cards or people.
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    if service.list_cards(CardFilter(include_archived=True)) or service.people():
        raise UserError(
            "The board already has cards or people; the demo only fills an empty board. "
            "Use 'kanban demo --force' to replace it, or choose another file with --db."
        )
    rng = random.Random(seed)
    # The simulation acts as each person in turn on the batch's own copy of the
    # service, so ``service.actor`` stays as it is.
    with service.batch() as board:
        sim = _setup(board, rng, now)
        _schedule(sim)
        while sim.queue:
            when, _n, action = heapq.heappop(sim.queue)
            action(when)
    log.info("Filled %s with the demo board (seed %s)", service.url, seed)


def _setup(service: BoardService, rng: random.Random, now: datetime) -> _Sim:
    service.set_board(name=DEMO_BOARD_NAME)
    columns = service.columns()
    pool = next(c for c in columns if c.kind is ColumnKind.POOL)
    active = [c for c in columns if c.kind is ColumnKind.ACTIVE]
    done = [c for c in columns if c.kind is ColumnKind.DONE]
    if not active or not done:
        raise UserError("The demo needs at least one active column and a done column.")
    statuses = {
        pool.id: ("To Do", "Open", "Backlog"),
        active[0].id: ("In Progress",),
        done[0].id: ("Done", "Closed", "Resolved"),
    }
    if len(active) > 1:
        statuses[active[1].id] = ("In Review",)
    for col_id, names in statuses.items():
        service.update_column(col_id, jira_statuses=list(names))
    # The limits were there before the simulated history began.
    configured = now - timedelta(days=HISTORY_DAYS + 1)
    service.update_column(active[0].id, wip_min=3, wip_max=12, at=configured)
    if len(active) > 1:
        service.update_column(active[1].id, wip_max=5, at=configured)
    for spec in PEOPLE:
        first, last = spec.name.split(" ", 1)
        email = f"{_ascii(first)}.{_ascii(last)}@ops.example.com".lower()
        service.add_person(
            spec.name,
            jira_user=spec.jira_user,
            email=email,
            colour=spec.colour,
            wip_limit=spec.wip_limit,
        )
    sim = _Sim(
        service=service,
        rng=rng,
        now=now,
        work_col=active[0].id,
        review_col=active[1].id if len(active) > 1 else None,
        done_col=done[0].id,
        pool_col=pool.id,
    )
    sim.people = {p.name: p for p in PEOPLE}
    return sim


def _ascii(text: str) -> str:
    return text.translate(str.maketrans("éíáóúñç", "eiaounc"))


def _schedule(sim: _Sim) -> None:
    rng = sim.rng
    start_day = (sim.now - timedelta(days=HISTORY_DAYS)).date()
    while start_day.weekday() >= 5:
        start_day += timedelta(days=1)
    tasks = list(TASKS)
    rng.shuffle(tasks)
    # A third of the cards come from the old whiteboard on day one; the rest
    # arrive over the weeks, as tickets do.
    backlog = len(tasks) // 3
    workdays = [
        start_day + timedelta(days=i)
        for i in range((sim.now.date() - start_day).days + 1)
        if (start_day + timedelta(days=i)).weekday() < 5
    ]
    creation_times: list[datetime] = []
    for i in range(len(tasks)):
        if i < backlog:
            creation_times.append(_jittered(start_day, 9, rng) + timedelta(minutes=i))
        else:
            day = workdays[
                min(len(workdays) - 1, int((i - backlog) / (len(tasks) - backlog) * len(workdays)))
            ]
            creation_times.append(_jittered(day, rng.randint(WORK_START, WORK_END - 1), rng))
    creation_times = [min(t, sim.now - timedelta(minutes=30)) for t in creation_times]
    creation_times.sort()
    key_numbers = itertools.count(101)
    for task, when in zip(tasks, creation_times, strict=True):
        sim.at(when, _creator(sim, task, key_numbers))
    for day in workdays:
        for person in PEOPLE:
            sim.at(_jittered(day, rng.choice((9, 11, 14)), rng), _puller(sim, person))


def _creator(
    sim: _Sim,
    task: tuple[str, str, str, str, float],
    numbers: itertools.count,  # type: ignore[type-arg]
) -> Callable[[datetime], None]:
    skill, title, project, labels, size = task

    def create(when: datetime) -> None:
        rng = sim.rng
        author = rng.choice([p for p in PEOPLE if p.skill == skill])
        sim.act_as(author.name)
        key = f"OPS-{next(numbers)}" if rng.random() < 0.75 else None
        reason = rng.choice(NOT_READY_REASONS[skill]) if rng.random() < 0.16 else None
        override = rng.choice(SIZE_OVERRIDES) if size > sim.service.rules().max_card_days else None
        due = None
        if project == "Certificates":
            due = (when + timedelta(days=rng.randint(7, 25))).date()
        result = sim.service.add_card(
            title,
            description=DESCRIPTIONS.get(project, "") if rng.random() < 0.6 else "",
            size_days=size,
            labels=labels.split(","),
            project=project,
            due_date=due,
            jira_key=key,
            not_ready_reason=reason,
            override_reason=override,
            created_at=when,
            # Ids from the seeded generator: the same seed gives the same card ids.
            card_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        )
        state = _CardState(result.card.id, skill, blocked=reason is not None)
        state.urgent = "incident" in labels
        sim.cards.append(state)
        if reason is not None:
            # Most waits end; the rest are what the board's not-ready section shows today.
            if rng.random() < 0.45:
                sim.at(working_time(when, rng.uniform(6, 40)), _releaser(sim, state, author))

    return create


def _releaser(sim: _Sim, state: _CardState, who: _PersonSpec) -> Callable[[datetime], None]:
    def release(when: datetime) -> None:
        if not state.blocked or state.stage == "done":
            return
        sim.act_as(state.person or who.name)
        sim.service.unblock(state.card_id, at=when)
        state.blocked = False

    return release


def _wip(sim: _Sim, name: str) -> int:
    return sum(1 for c in sim.cards if c.person == name and c.stage in ("work", "review"))


def _puller(sim: _Sim, person: _PersonSpec) -> Callable[[datetime], None]:
    def pull(when: datetime) -> None:
        rng = sim.rng
        if rng.random() > PULL_CHANCE:
            return  # incidents, meetings, leave: most days start no planned work
        waiting = [c for c in sim.cards if c.stage == "pool" and not c.blocked]
        mine = [c for c in waiting if c.skill == person.skill]
        urgent = [c for c in mine if c.urgent]
        limit = person.wip_limit or 3
        if _wip(sim, person.name) >= limit and not (urgent and sim.overrides < MAX_OVERRIDES):
            return
        candidates = urgent or mine or ([] if rng.random() < 0.7 else waiting)
        sim.act_as(person.name)
        # A card the rules refuse (too big, no override left) stays in the pool;
        # the person takes the next one instead of giving up.
        card = next(
            (c for c in candidates[:3] if _move(sim, c, sim.work_col, when, person.name)), None
        )
        if card is None:
            return
        card.stage, card.person = "work", person.name
        # People juggle several cards, so a card takes longer than its size.
        hours = _spec_size(sim, card) * 8 * rng.uniform(5.0, 12.0)
        sim.at(working_time(when, hours), _finisher(sim, card))
        if rng.random() < 0.15:
            sim.at(working_time(when, rng.uniform(1, 6)), _blocker(sim, card))

    return pull


def _spec_size(sim: _Sim, card: _CardState) -> float:
    return sim.service.card(card.card_id).size_days


def _move(
    sim: _Sim,
    card: _CardState,
    column: int,
    when: datetime,
    person: str | None,
) -> bool:
    """Move through the board's rules; a warned rule is overridden now and then."""
    try:
        sim.service.move_card(card.card_id, column=column, person=person, at=when)
        return True
    except RuleViolationError as exc:
        if not exc.needs_reason or sim.overrides >= MAX_OVERRIDES or sim.rng.random() > 0.5:
            return False
        rules = {getattr(v, "rule", None) for v in exc.violations}
    reasons = SIZE_OVERRIDES if rules == {Rule.CARD_SIZE} else WIP_OVERRIDES
    sim.service.move_card(
        card.card_id,
        column=column,
        person=person,
        at=when,
        override_reason=sim.rng.choice(reasons),
    )
    sim.overrides += 1
    return True


def _blocker(sim: _Sim, card: _CardState) -> Callable[[datetime], None]:
    def block(when: datetime) -> None:
        if card.stage != "work" or card.blocked:
            return
        sim.act_as(card.person or PEOPLE[0].name)
        sim.service.block(card.card_id, sim.rng.choice(BLOCK_REASONS), at=when)
        card.blocked = True
        release_at = working_time(when, sim.rng.uniform(4, 24))
        sim.at(release_at, _releaser(sim, card, sim.people[card.person or PEOPLE[0].name]))

    return block


def _finisher(sim: _Sim, card: _CardState) -> Callable[[datetime], None]:
    def finish(when: datetime) -> None:
        if card.stage != "work":
            return
        if card.blocked:
            # Blocked work waits; try again later in the day.
            sim.at(working_time(when, 3), finish)
            return
        sim.act_as(card.person or PEOPLE[0].name)
        if sim.review_col is None:
            _done(sim, card, when)
            return
        if not _move(sim, card, sim.review_col, when, None):
            sim.at(working_time(when, 4), finish)
            return
        card.stage = "review"
        sim.at(working_time(when, sim.rng.uniform(2, 20)), _reviewer(sim, card))

    return finish


def _reviewer(sim: _Sim, card: _CardState) -> Callable[[datetime], None]:
    def review(when: datetime) -> None:
        if card.stage != "review":
            return
        sim.act_as(card.person or PEOPLE[0].name)
        if sim.sent_back < 4 and sim.overrides < MAX_OVERRIDES and sim.rng.random() < 0.1:
            sim.service.move_card(
                card.card_id,
                column=sim.work_col,
                at=when,
                override_reason=sim.rng.choice(LEFT_OVERRIDES),
            )
            sim.overrides += 1
            sim.sent_back += 1
            card.stage = "work"
            sim.at(working_time(when, sim.rng.uniform(2, 8)), _finisher(sim, card))
            return
        _done(sim, card, when)

    return review


def _done(sim: _Sim, card: _CardState, when: datetime) -> None:
    sim.service.move_card(card.card_id, column=sim.done_col, at=when)
    card.stage = "done"
