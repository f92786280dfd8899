<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>ConsoleSession</name>
    <message>
        <source>JMC Console</source>
        <translation>JMC Console</translation>
    </message>
    <message>
        <source>The account {user} may not use the monitoring console (its role has no access).</source>
        <translation>The account {user} may not use the monitoring console (its role has no access).</translation>
    </message>
    <message>
        <source>Quarantined messages — JMC Console</source>
        <translation>Quarantined messages — JMC Console</translation>
    </message>
    <message>
        <source>Ticket changes not stored yet ({count}), retrying: {error}</source>
        <translation>Ticket changes not stored yet ({count}), retrying: {error}</translation>
    </message>
</context>
<context>
    <name>MainActions</name>
    <message>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>&amp;Search trip…</source>
        <translation>&amp;Search trip…</translation>
    </message>
    <message>
        <source>&amp;Follow selected trip</source>
        <translation>&amp;Follow selected trip</translation>
    </message>
    <message>
        <source>&amp;Clear selection</source>
        <translation>&amp;Clear selection</translation>
    </message>
    <message>
        <source>&amp;Replay selected trip</source>
        <translation>&amp;Replay selected trip</translation>
    </message>
    <message>
        <source>F&amp;ull screen</source>
        <translation>F&amp;ull screen</translation>
    </message>
    <message>
        <source>Reset &amp;layout</source>
        <translation>Reset &amp;layout</translation>
    </message>
    <message>
        <source>&amp;Region</source>
        <translation>&amp;Region</translation>
    </message>
    <message>
        <source>&amp;Panels</source>
        <translation>&amp;Panels</translation>
    </message>
    <message>
        <source>All regions</source>
        <translation>All regions</translation>
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
        <source>Chinese (Taiwan)</source>
        <translation>繁體中文 (Chinese, Taiwan)</translation>
    </message>
    <message>
        <source>English</source>
        <translation>English</translation>
    </message>
    <message>
        <source>&amp;About JMC Console</source>
        <translation>&amp;About JMC Console</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Trip {trip} is not known</source>
        <translation>Trip {trip} is not known</translation>
    </message>
    <message>
        <source>No trip matches “{text}”</source>
        <translation>No trip matches “{text}”</translation>
    </message>
    <message>
        <source>Select a trip to replay first</source>
        <translation>Select a trip to replay first</translation>
    </message>
    <message>
        <source>About JMC Console</source>
        <translation>About JMC Console</translation>
    </message>
    <message>
        <source>JMC Console: monitoring of containers moving under customs control.</source>
        <translation>JMC Console: monitoring of containers moving under customs control.</translation>
    </message>
    <message>
        <source>JMC Console — Joint Management Centre</source>
        <translation>JMC Console — Joint Management Centre</translation>
    </message>
    <message>
        <source>Ticket queue</source>
        <translation>Ticket queue</translation>
    </message>
    <message>
        <source>Trip detail</source>
        <translation>Trip detail</translation>
    </message>
    <message>
        <source>Trip replay</source>
        <translation>Trip replay</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Search</translation>
    </message>
</context>
<context>
    <name>Phase</name>
    <message>
        <source>Planned</source>
        <translation>Planned</translation>
    </message>
    <message>
        <source>Sealed</source>
        <translation>Sealed</translation>
    </message>
    <message>
        <source>In transit</source>
        <translation>In transit</translation>
    </message>
    <message>
        <source>Arrived</source>
        <translation>Arrived</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Completed</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelled</translation>
    </message>
</context>
<context>
    <name>PlaceholderTicketPanel</name>
    <message>
        <source>{severity}  {order}  ({count} open)</source>
        <translation>{severity}  {order}  ({count} open)</translation>
    </message>
</context>
<context>
    <name>ReplayPanel</name>
    <message>
        <source>Replay {trip}</source>
        <translation>Replay {trip}</translation>
    </message>
    <message>
        <source>No track for {trip}</source>
        <translation>No track for {trip}</translation>
    </message>
    <message>
        <source>Replay: select a trip</source>
        <translation>Replay: select a trip</translation>
    </message>
    <message>
        <source>Select a trip, ongoing or completed, to replay its track, seal events and tickets.</source>
        <translation>Select a trip, ongoing or completed, to replay its track, seal events and tickets.</translation>
    </message>
    <message>
        <source>❚❚ Pause</source>
        <translation>❚❚ Pause</translation>
    </message>
    <message>
        <source>▶ Play</source>
        <translation>▶ Play</translation>
    </message>
    <message>
        <source>End replay</source>
        <translation>End replay</translation>
    </message>
    <message>
        <source>Replay speed</source>
        <translation>Replay speed</translation>
    </message>
    <message>
        <source>km/h</source>
        <translation>km/h</translation>
    </message>
    <message>
        <source>Seal</source>
        <translation>Seal</translation>
    </message>
    <message>
        <source>unsealed</source>
        <translation>unsealed</translation>
    </message>
    <message>
        <source>sealed</source>
        <translation>sealed</translation>
    </message>
    <message>
        <source>abnormal</source>
        <translation>abnormal</translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message>
        <source>Order no., plate or container no. (Ctrl+F)</source>
        <translation>Order no., plate or container no. (Ctrl+F)</translation>
    </message>
    <message>
        <source>Search by transport order no., vehicle plate or container no.</source>
        <translation>Search by transport order no., vehicle plate or container no.</translation>
    </message>
</context>
<context>
    <name>StartupSplash</name>
    <message>
        <source>Opening the store</source>
        <translation>Opening the store</translation>
    </message>
    <message>
        <source>Rebuilding trips</source>
        <translation>Rebuilding trips</translation>
    </message>
    <message>
        <source>Connecting to the broker</source>
        <translation>Connecting to the broker</translation>
    </message>
    <message>
        <source>Loading the map</source>
        <translation>Loading the map</translation>
    </message>
    <message>
        <source>JMC Console</source>
        <translation>JMC Console</translation>
    </message>
    <message>
        <source>Joint Management Centre · 聯合管理中心監控台</source>
        <extracomment>ends with the console&apos;s name in the other language (zh-TW: &quot;JMC Console · Joint Management Centre&quot;)</extracomment>
        <translation>Joint Management Centre · 聯合管理中心監控台</translation>
    </message>
    <message>
        <source>{done} / {total} messages</source>
        <translation>{done} / {total} messages</translation>
    </message>
</context>
<context>
    <name>StatusPanel</name>
    <message>
        <source>Watch officer</source>
        <translation>Watch officer</translation>
    </message>
    <message>
        <source>Section chief</source>
        <translation>Section chief</translation>
    </message>
    <message>
        <source>Division chief</source>
        <translation>Division chief</translation>
    </message>
    <message>
        <source>Head of unit</source>
        <translation>Head of unit</translation>
    </message>
    <message>
        <source>Gate officer</source>
        <translation>Gate officer</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>Signed in</translation>
    </message>
    <message>
        <source>Broker</source>
        <translation>Broker</translation>
    </message>
    <message>
        <source>Messages/s</source>
        <translation>Messages/s</translation>
    </message>
    <message>
        <source>Trips</source>
        <translation>Trips</translation>
    </message>
    <message>
        <source>Mirror backlog</source>
        <translation>Mirror backlog</translation>
    </message>
    <message>
        <source>Quarantined</source>
        <translation>Quarantined</translation>
    </message>
    <message>
        <source>Time (Taipei)</source>
        <translation>Time (Taipei)</translation>
    </message>
    <message>
        <source>▲ Not connected</source>
        <translation>▲ Not connected</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Connected</translation>
    </message>
    <message>
        <source>▲ Disconnected</source>
        <translation>▲ Disconnected</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>n/a</translation>
    </message>
</context>
<context>
    <name>TicketsMenu</name>
    <message>
        <source>&amp;Tickets</source>
        <translation>&amp;Tickets</translation>
    </message>
    <message>
        <source>Shift &amp;handover…</source>
        <translation>Shift &amp;handover…</translation>
    </message>
    <message>
        <source>&amp;Quarantined messages…</source>
        <translation>&amp;Quarantined messages…</translation>
    </message>
    <message>
        <source>Sign in &amp;as…</source>
        <translation>Sign in &amp;as…</translation>
    </message>
</context>
<context>
    <name>TrackEvent</name>
    <message>
        <source>Sealed</source>
        <translation>Sealed</translation>
    </message>
    <message>
        <source>Unsealed</source>
        <translation>Unsealed</translation>
    </message>
    <message>
        <source>Tamper alarm</source>
        <translation>Tamper alarm</translation>
    </message>
    <message>
        <source>Departure read</source>
        <translation>Departure read</translation>
    </message>
    <message>
        <source>Arrival read</source>
        <translation>Arrival read</translation>
    </message>
    <message>
        <source>Seal read</source>
        <translation>Seal read</translation>
    </message>
    <message>
        <source>Gate in</source>
        <translation>Gate in</translation>
    </message>
    <message>
        <source>Gate out</source>
        <translation>Gate out</translation>
    </message>
</context>
<context>
    <name>TripDetailPanel</name>
    <message>
        <source>Trip detail</source>
        <translation>Trip detail</translation>
    </message>
    <message>
        <source>active</source>
        <translation>active</translation>
    </message>
    <message>
        <source>passive</source>
        <translation>passive</translation>
    </message>
    <message>
        <source>No reported position</source>
        <translation>No reported position</translation>
    </message>
    <message>
        <source>, {speed:.0f} km/h</source>
        <translation>, {speed:.0f} km/h</translation>
    </message>
    <message>
        <source>{count} open</source>
        <translation>{count} open</translation>
    </message>
    <message>
        <source>None open</source>
        <translation>None open</translation>
    </message>
    <message>
        <source>Not departed yet</source>
        <translation>Not departed yet</translation>
    </message>
    <message>
        <source>▲ Overdue by {time}</source>
        <translation>▲ Overdue by {time}</translation>
    </message>
    <message>
        <source>Order no.</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <source>Phase</source>
        <translation>Phase</translation>
    </message>
    <message>
        <source>Origin</source>
        <translation>Origin</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>Destination</translation>
    </message>
    <message>
        <source>Plate</source>
        <translation>Plate</translation>
    </message>
    <message>
        <source>Driver</source>
        <translation>Driver</translation>
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
        <source>Deadline</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>Time left</translation>
    </message>
    <message>
        <source>Last position</source>
        <translation>Last position</translation>
    </message>
    <message>
        <source>Tickets</source>
        <translation>Tickets</translation>
    </message>
    <message>
        <source>Select a trip on the map, in the queue or with search (Ctrl+F).</source>
        <translation>Select a trip on the map, in the queue or with search (Ctrl+F).</translation>
    </message>
</context>
</TS>
