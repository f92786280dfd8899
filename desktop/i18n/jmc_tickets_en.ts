<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>Tickets</name>
    <message>
        <source>Critical alarm</source>
        <translation>Critical alarm</translation>
    </message>
    <message>
        <source>Trip</source>
        <translation>Trip</translation>
    </message>
    <message>
        <source>Transport order</source>
        <translation>Transport order</translation>
    </message>
    <message>
        <source>Origin → destination</source>
        <translation>Origin → destination</translation>
    </message>
    <message>
        <source>Containers</source>
        <translation>Containers</translation>
    </message>
    <message>
        <source>Seals</source>
        <translation>Seals</translation>
    </message>
    <message>
        <source>Plate / driver</source>
        <translation>Plate / driver</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>Handling unit</source>
        <translation>Handling unit</translation>
    </message>
    <message>
        <source>Show on map (M)</source>
        <translation>Show on map (M)</translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>Timeline</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>By</source>
        <translation>By</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Event</translation>
    </message>
    <message>
        <source>No ticket selected</source>
        <translation>No ticket selected</translation>
    </message>
    <message numerus="yes">
        <source>%n occurrence(s)</source>
        <translation>
            <numerusform>%n occurrence</numerusform>
            <numerusform>%n occurrences</numerusform>
        </translation>
    </message>
    <message>
        <source>Shelved until {time}: {reason}</source>
        <translation>Shelved until {time}: {reason}</translation>
    </message>
    <message>
        <source>system</source>
        <translation>system</translation>
    </message>
    <message>
        <source>Alarm</source>
        <translation>Alarm</translation>
    </message>
    <message>
        <source>Acknowledge (Space)</source>
        <translation>Acknowledge (Space)</translation>
    </message>
    <message>
        <source>Assign to me</source>
        <translation>Assign to me</translation>
    </message>
    <message>
        <source>Dispatch to office</source>
        <translation>Dispatch to office</translation>
    </message>
    <message>
        <source>Reason for shelving</source>
        <translation>Reason for shelving</translation>
    </message>
    <message>
        <source> h</source>
        <translation> h</translation>
    </message>
    <message>
        <source>Shelve</source>
        <translation>Shelve</translation>
    </message>
    <message>
        <source>Unshelve</source>
        <translation>Unshelve</translation>
    </message>
    <message>
        <source>Notify</source>
        <translation>Notify</translation>
    </message>
    <message>
        <source>Note (who, how, reference)</source>
        <translation>Note (who, how, reference)</translation>
    </message>
    <message>
        <source>Destination officer</source>
        <translation>Destination officer</translation>
    </message>
    <message>
        <source>Gate: intercept</source>
        <translation>Gate: intercept</translation>
    </message>
    <message>
        <source>Police</source>
        <translation>Police</translation>
    </message>
    <message>
        <source>Haulier</source>
        <translation>Haulier</translation>
    </message>
    <message>
        <source>Evidence and findings</source>
        <translation>Evidence and findings</translation>
    </message>
    <message>
        <source>System gate images</source>
        <translation>System gate images</translation>
    </message>
    <message>
        <source>Operator CCTV captured</source>
        <translation>Operator CCTV captured</translation>
    </message>
    <message>
        <source>Cargo whereabouts traced</source>
        <translation>Cargo whereabouts traced</translation>
    </message>
    <message>
        <source>Findings (處理情形)</source>
        <translation>Findings (處理情形)</translation>
    </message>
    <message>
        <source>Save evidence and findings</source>
        <translation>Save evidence and findings</translation>
    </message>
    <message>
        <source>Attachment reference (file, URL, document no.)</source>
        <translation>Attachment reference (file, URL, document no.)</translation>
    </message>
    <message>
        <source>Attach</source>
        <translation>Attach</translation>
    </message>
    <message>
        <source>Submit for sign-off</source>
        <translation>Submit for sign-off</translation>
    </message>
    <message>
        <source>Your password to sign off</source>
        <translation>Your password to sign off</translation>
    </message>
    <message>
        <source>Sign off</source>
        <translation>Sign off</translation>
    </message>
    <message>
        <source>A supervisor must resolve the CONFLICT first</source>
        <translation>A supervisor must resolve the CONFLICT first</translation>
    </message>
    <message>
        <source>Sign-off needed: {level}</source>
        <translation>Sign-off needed: {level}</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>Acknowledged</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>Dispatched</translation>
    </message>
    <message>
        <source>Awaiting sign-off</source>
        <translation>Awaiting sign-off</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Closed</translation>
    </message>
    <message>
        <source>Acked</source>
        <comment>short status: acknowledged</comment>
        <translation>Acked</translation>
    </message>
    <message>
        <source>Sign-off</source>
        <comment>short status: awaiting sign-off</comment>
        <translation>Sign-off</translation>
    </message>
    <message>
        <source>⚠ CONFLICT</source>
        <comment>a ticket two consoles decided differently</comment>
        <translation>⚠ CONFLICT</translation>
    </message>
    <message>
        <source>Dispatch</source>
        <translation>Dispatch</translation>
    </message>
    <message>
        <source>Sign-off or return</source>
        <translation>Sign-off or return</translation>
    </message>
    <message>
        <source>Origin office</source>
        <translation>Origin office</translation>
    </message>
    <message>
        <source>Destination office</source>
        <translation>Destination office</translation>
    </message>
    <message>
        <source>Monitoring centre</source>
        <translation>Monitoring centre</translation>
    </message>
    <message>
        <source>Level 1: section chief</source>
        <translation>Level 1: section chief</translation>
    </message>
    <message>
        <source>Level 2: division chief</source>
        <translation>Level 2: division chief</translation>
    </message>
    <message>
        <source>Level 3: head of unit</source>
        <translation>Level 3: head of unit</translation>
    </message>
    <message>
        <source>Destination officer notified</source>
        <translation>Destination officer notified</translation>
    </message>
    <message>
        <source>Gate asked to intercept</source>
        <translation>Gate asked to intercept</translation>
    </message>
    <message>
        <source>Police notified</source>
        <translation>Police notified</translation>
    </message>
    <message>
        <source>Haulier contacted</source>
        <translation>Haulier contacted</translation>
    </message>
    <message>
        <source>Container opened</source>
        <translation>Container opened</translation>
    </message>
    <message>
        <source>X-ray</source>
        <translation>X-ray</translation>
    </message>
    <message>
        <source>Driver statement</source>
        <translation>Driver statement</translation>
    </message>
    <message>
        <source>Charge reminder</source>
        <translation>Charge reminder</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Other</translation>
    </message>
    <message>
        <source>Raised</source>
        <translation>Raised</translation>
    </message>
    <message>
        <source>Escalated</source>
        <translation>Escalated</translation>
    </message>
    <message>
        <source>Closed automatically</source>
        <translation>Closed automatically</translation>
    </message>
    <message>
        <source>Reopened</source>
        <translation>Reopened</translation>
    </message>
    <message>
        <source>Linked to order</source>
        <translation>Linked to order</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>Withdrawn</translation>
    </message>
    <message>
        <source>Escalation acknowledged</source>
        <translation>Escalation acknowledged</translation>
    </message>
    <message>
        <source>Assigned</source>
        <translation>Assigned</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>Findings</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>Evidence</translation>
    </message>
    <message>
        <source>Checklist</source>
        <translation>Checklist</translation>
    </message>
    <message>
        <source>Attachment</source>
        <translation>Attachment</translation>
    </message>
    <message>
        <source>&lt;1m</source>
        <translation>&lt;1m</translation>
    </message>
    <message>
        <source>{m}m</source>
        <translation>{m}m</translation>
    </message>
    <message>
        <source>{h}h</source>
        <translation>{h}h</translation>
    </message>
    <message>
        <source>{d}d</source>
        <translation>{d}d</translation>
    </message>
    <message>
        <source>Shelved</source>
        <translation>Shelved</translation>
    </message>
    <message>
        <source>Unshelved</source>
        <translation>Unshelved</translation>
    </message>
    <message>
        <source>Intercept requested</source>
        <translation>Intercept requested</translation>
    </message>
    <message>
        <source>Intercept cancelled</source>
        <translation>Intercept cancelled</translation>
    </message>
    <message>
        <source>Submitted for sign-off</source>
        <translation>Submitted for sign-off</translation>
    </message>
    <message>
        <source>Signed off</source>
        <translation>Signed off</translation>
    </message>
    <message>
        <source>Returned for rework</source>
        <translation>Returned for rework</translation>
    </message>
    <message>
        <source>Conflict resolved</source>
        <translation>Conflict resolved</translation>
    </message>
    <message>
        <source>system images</source>
        <translation>system images</translation>
    </message>
    <message>
        <source>operator CCTV</source>
        <translation>operator CCTV</translation>
    </message>
    <message>
        <source>whereabouts traced</source>
        <translation>whereabouts traced</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Severity</translation>
    </message>
    <message>
        <source>Anomaly</source>
        <translation>Anomaly</translation>
    </message>
    <message>
        <source>{conflict}: {topics}</source>
        <translation>{conflict}: {topics}</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Order / subject</source>
        <translation>Order / subject</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Count</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>Assignee</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Age</translation>
    </message>
    <message>
        <source>Keelung</source>
        <translation>Keelung</translation>
    </message>
    <message>
        <source>Taipei</source>
        <translation>Taipei</translation>
    </message>
    <message>
        <source>Taichung</source>
        <translation>Taichung</translation>
    </message>
    <message>
        <source>Kaohsiung</source>
        <translation>Kaohsiung</translation>
    </message>
    <message>
        <source>Filters</source>
        <translation>Filters</translation>
    </message>
    <message>
        <source>Region, anomaly code, handling unit, site, assigned to me</source>
        <translation>Region, anomaly code, handling unit, site, assigned to me</translation>
    </message>
    <message>
        <source>{n} of these filters on</source>
        <translation>{n} of these filters on</translation>
    </message>
    <message>
        <source>All regions</source>
        <translation>All regions</translation>
    </message>
    <message>
        <source>All codes</source>
        <translation>All codes</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>All</source>
        <translation>All</translation>
    </message>
    <message>
        <source>All units</source>
        <translation>All units</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <source>Assigned to me</source>
        <translation>Assigned to me</translation>
    </message>
    <message>
        <source>Order, plate or container</source>
        <translation>Order, plate or container</translation>
    </message>
    <message>
        <source>⚠ Conflicts</source>
        <comment>status filter: tickets with an open CONFLICT</comment>
        <translation>⚠ Conflicts</translation>
    </message>
    <message>
        <source>Critical</source>
        <extracomment>colour and shape per severity, from the one table the map draws with too (desktop/map/symbols.py): critical red triangle, high orange diamond, medium yellow square, low cyan circle; shape and label also carry the meaning for colour-blind readers. a CONFLICT (two consoles decided differently while apart): magenta, the colour no severity uses (desktop/map/symbols.py has none like it), with the ⚠ sign and the word as its shape and label; dark text on it for contrast</extracomment>
        <translation>Critical</translation>
    </message>
    <message>
        <source>High</source>
        <translation>High</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>Medium</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Low</translation>
    </message>
    <message>
        <source>Shift handover</source>
        <translation>Shift handover</translation>
    </message>
    <message>
        <source>Notes for the incoming officer</source>
        <translation>Notes for the incoming officer</translation>
    </message>
    <message>
        <source>Compose handover</source>
        <translation>Compose handover</translation>
    </message>
    <message>
        <source>Print to PDF…</source>
        <translation>Print to PDF…</translation>
    </message>
    <message>
        <source>Acknowledge as incoming officer</source>
        <translation>Acknowledge as incoming officer</translation>
    </message>
    <message>
        <source>Handover acknowledged.</source>
        <translation>Handover acknowledged.</translation>
    </message>
    <message>
        <source>JMC Console — sign in</source>
        <translation>JMC Console — sign in</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>Enter your user name and password.</source>
        <translation>Enter your user name and password.</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>Wait {s} s</source>
        <translation>Wait {s} s</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>Topic</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Device</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Quarantined messages — JMC Console</source>
        <translation>Quarantined messages — JMC Console</translation>
    </message>
    <message>
        <source>Filter by topic, device, reason or payload</source>
        <translation>Filter by topic, device, reason or payload</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Export CSV…</translation>
    </message>
    <message>
        <source>{n} rejected; by reason:</source>
        <translation>{n} rejected; by reason:</translation>
    </message>
    <message>
        <source>Export failed: {error}</source>
        <translation>Export failed: {error}</translation>
    </message>
    <message>
        <source>{n} rows written to {path}</source>
        <translation>{n} rows written to {path}</translation>
    </message>
    <message>
        <source>Default columns</source>
        <translation>Default columns</translation>
    </message>
    <message>
        <source>{severity}: {count} tickets shown</source>
        <translation>{severity}: {count} tickets shown</translation>
    </message>
    <message>
        <source>Alarm rate {rate}/10 min (EEMUA 191 ≤ {limit})</source>
        <translation>Alarm rate {rate}/10 min (EEMUA 191 ≤ {limit})</translation>
    </message>
    <message>
        <source>Alarms per 10 minutes per operator over the last hour: {rate}. EEMUA 191 recommends no more than {limit}.</source>
        <translation>Alarms per 10 minutes per operator over the last hour: {rate}. EEMUA 191 recommends no more than {limit}.</translation>
    </message>
    <message>
        <source>Reason for adopting a decision (required)</source>
        <translation>Reason for adopting a decision (required)</translation>
    </message>
    <message>
        <source>Two consoles decided differently on this ticket while apart; both decisions are kept. Adopt one and say why: the choice is audited and reaches every console. Sign-off waits until then.</source>
        <translation>Two consoles decided differently on this ticket while apart; both decisions are kept. Adopt one and say why: the choice is audited and reaches every console. Sign-off waits until then.</translation>
    </message>
    <message>
        <source>Two consoles decided differently on this ticket while apart; both decisions are kept. A supervisor (section chief or above) must adopt one; sign-off waits until then.</source>
        <translation>Two consoles decided differently on this ticket while apart; both decisions are kept. A supervisor (section chief or above) must adopt one; sign-off waits until then.</translation>
    </message>
    <message>
        <source>this console</source>
        <translation>this console</translation>
    </message>
    <message>
        <source>Console {console} · {officer} · {time}</source>
        <translation>Console {console} · {officer} · {time}</translation>
    </message>
    <message>
        <source>{event}: {detail}</source>
        <translation>{event}: {detail}</translation>
    </message>
    <message>
        <source>Adopt this decision</source>
        <translation>Adopt this decision</translation>
    </message>
    <message>
        <source>Give the reason first</source>
        <translation>Give the reason first</translation>
    </message>
</context>
</TS>
