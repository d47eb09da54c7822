"""The demo board's team and work: people, everyday ops tasks and the reasons they wait.

Only data; :mod:`kanban.services.demo` replays eight weeks of work with it.
Changing a row changes the demo board every seed produces.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_BOARD_NAME = "Infrastructure Operations"


@dataclass(frozen=True, slots=True)
class PersonSpec:
    """One of the demo team: name, JIRA user, lane colour, WIP limit and specialty."""

    name: str
    jira_user: str
    colour: str
    wip_limit: int | None
    skill: str


PEOPLE: tuple[PersonSpec, ...] = (
    PersonSpec("Anna Kowalski", "akowalski", "#4e79a7", 3, "windows"),
    PersonSpec("Ben Okafor", "bokafor", "#f28e2b", None, "windows"),
    PersonSpec("Chloé Martin", "cmartin", "#59a14f", 2, "linux"),
    PersonSpec("Dmitri Volkov", "dvolkov", "#e15759", None, "linux"),
    PersonSpec("Elena García", "egarcia", "#b07aa1", 3, "storage"),
    PersonSpec("Farid Haddad", "fhaddad", "#76b7b2", None, "storage"),
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
