<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_TW" sourcelanguage="en">
<context>
    <name>ConsoleSession</name>
    <message>
        <source>JMC Console</source>
        <translation>聯合管理中心監控台</translation>
    </message>
    <message>
        <source>The account {user} may not use the monitoring console (its role has no access).</source>
        <translation>帳號 {user} 的角色無權使用監控台。</translation>
    </message>
    <message>
        <source>Quarantined messages — JMC Console</source>
        <translation>隔離訊息 — 聯合管理中心監控台</translation>
    </message>
    <message>
        <source>Ticket changes not stored yet ({count}), retrying: {error}</source>
        <translation>案件異動尚未存入資料庫（{count} 筆），重試中：{error}</translation>
    </message>
</context>
<context>
    <name>MainActions</name>
    <message>
        <source>&amp;File</source>
        <translation>檔案(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>檢視(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>語言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>說明(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>結束(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Search trip…</source>
        <translation>搜尋行程(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Follow selected trip</source>
        <translation>跟隨所選行程(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Clear selection</source>
        <translation>取消選取(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Replay selected trip</source>
        <translation>重播所選行程(&amp;R)</translation>
    </message>
    <message>
        <source>F&amp;ull screen</source>
        <translation>全螢幕(&amp;U)</translation>
    </message>
    <message>
        <source>Reset &amp;layout</source>
        <translation>重設版面(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Region</source>
        <translation>關區(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Panels</source>
        <translation>面板(&amp;P)</translation>
    </message>
    <message>
        <source>All regions</source>
        <translation>全部關區</translation>
    </message>
    <message>
        <source>Keelung</source>
        <translation>基隆關</translation>
    </message>
    <message>
        <source>Taipei</source>
        <translation>臺北關</translation>
    </message>
    <message>
        <source>Taichung</source>
        <translation>臺中關</translation>
    </message>
    <message>
        <source>Kaohsiung</source>
        <translation>高雄關</translation>
    </message>
    <message>
        <source>Chinese (Taiwan)</source>
        <translation>繁體中文</translation>
    </message>
    <message>
        <source>English</source>
        <translation>English（英文）</translation>
    </message>
    <message>
        <source>&amp;About JMC Console</source>
        <translation>關於聯合管理中心監控台(&amp;A)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Trip {trip} is not known</source>
        <translation>查無行程 {trip}</translation>
    </message>
    <message>
        <source>No trip matches “{text}”</source>
        <translation>查無符合「{text}」的行程</translation>
    </message>
    <message>
        <source>Select a trip to replay first</source>
        <translation>請先選取要重播的行程</translation>
    </message>
    <message>
        <source>About JMC Console</source>
        <translation>關於聯合管理中心監控台</translation>
    </message>
    <message>
        <source>JMC Console: monitoring of containers moving under customs control.</source>
        <translation>聯合管理中心監控台：海關監管貨櫃運送即時監控。</translation>
    </message>
    <message>
        <source>JMC Console — Joint Management Centre</source>
        <translation>聯合管理中心監控台 JMC Console</translation>
    </message>
    <message>
        <source>Ticket queue</source>
        <translation>異常案件佇列</translation>
    </message>
    <message>
        <source>Trip detail</source>
        <translation>行程明細</translation>
    </message>
    <message>
        <source>Trip replay</source>
        <translation>行程重播</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜尋</translation>
    </message>
</context>
<context>
    <name>Phase</name>
    <message>
        <source>Planned</source>
        <translation>待加封</translation>
    </message>
    <message>
        <source>Sealed</source>
        <translation>已加封</translation>
    </message>
    <message>
        <source>In transit</source>
        <translation>運送中</translation>
    </message>
    <message>
        <source>Arrived</source>
        <translation>已到站</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>PlaceholderTicketPanel</name>
    <message>
        <source>{severity}  {order}  ({count} open)</source>
        <translation>{severity}  {order}（未結 {count} 件）</translation>
    </message>
</context>
<context>
    <name>ReplayPanel</name>
    <message>
        <source>Replay {trip}</source>
        <translation>重播 {trip}</translation>
    </message>
    <message>
        <source>No track for {trip}</source>
        <translation>{trip} 無軌跡資料</translation>
    </message>
    <message>
        <source>Replay: select a trip</source>
        <translation>重播：請選取行程</translation>
    </message>
    <message>
        <source>Select a trip, ongoing or completed, to replay its track, seal events and tickets.</source>
        <translation>選取行程（運送中或已完成）即可重播其軌跡、封條事件與異常案件。</translation>
    </message>
    <message>
        <source>❚❚ Pause</source>
        <translation>❚❚ 暫停</translation>
    </message>
    <message>
        <source>▶ Play</source>
        <translation>▶ 播放</translation>
    </message>
    <message>
        <source>End replay</source>
        <translation>結束重播</translation>
    </message>
    <message>
        <source>Replay speed</source>
        <translation>重播速度</translation>
    </message>
    <message>
        <source>km/h</source>
        <translation>車速 km/h</translation>
    </message>
    <message>
        <source>Seal</source>
        <translation>封條</translation>
    </message>
    <message>
        <source>unsealed</source>
        <translation>解封</translation>
    </message>
    <message>
        <source>sealed</source>
        <translation>加封</translation>
    </message>
    <message>
        <source>abnormal</source>
        <translation>異常</translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message>
        <source>Order no., plate or container no. (Ctrl+F)</source>
        <translation>運送單號碼、車牌或貨櫃號碼 (Ctrl+F)</translation>
    </message>
    <message>
        <source>Search by transport order no., vehicle plate or container no.</source>
        <translation>以運送單號碼、車牌或貨櫃號碼搜尋</translation>
    </message>
</context>
<context>
    <name>StartupSplash</name>
    <message>
        <source>Opening the store</source>
        <translation>開啟資料庫</translation>
    </message>
    <message>
        <source>Rebuilding trips</source>
        <translation>重建行程</translation>
    </message>
    <message>
        <source>Connecting to the broker</source>
        <translation>連線訊息中介</translation>
    </message>
    <message>
        <source>Loading the map</source>
        <translation>載入地圖</translation>
    </message>
    <message>
        <source>JMC Console</source>
        <translation>聯合管理中心監控台</translation>
    </message>
    <message>
        <source>Joint Management Centre · 聯合管理中心監控台</source>
        <extracomment>ends with the console&apos;s name in the other language (zh-TW: &quot;JMC Console · Joint Management Centre&quot;)</extracomment>
        <translation>JMC Console · Joint Management Centre</translation>
    </message>
    <message>
        <source>{done} / {total} messages</source>
        <translation>{done} / {total} 則訊息</translation>
    </message>
</context>
<context>
    <name>StatusPanel</name>
    <message>
        <source>Watch officer</source>
        <translation>監控關員</translation>
    </message>
    <message>
        <source>Section chief</source>
        <translation>股長</translation>
    </message>
    <message>
        <source>Division chief</source>
        <translation>課長</translation>
    </message>
    <message>
        <source>Head of unit</source>
        <translation>一級單位主管</translation>
    </message>
    <message>
        <source>Gate officer</source>
        <translation>門哨關員</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>系統管理員</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>登入者</translation>
    </message>
    <message>
        <source>Broker</source>
        <translation>訊息中介</translation>
    </message>
    <message>
        <source>Messages/s</source>
        <translation>訊息/秒</translation>
    </message>
    <message>
        <source>Trips</source>
        <translation>行程數</translation>
    </message>
    <message>
        <source>Mirror backlog</source>
        <translation>鏡像待寫</translation>
    </message>
    <message>
        <source>Quarantined</source>
        <translation>隔離訊息</translation>
    </message>
    <message>
        <source>Time (Taipei)</source>
        <translation>時間（臺北）</translation>
    </message>
    <message>
        <source>▲ Not connected</source>
        <translation>▲ 未連線</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>已連線</translation>
    </message>
    <message>
        <source>▲ Disconnected</source>
        <translation>▲ 已斷線</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>無</translation>
    </message>
</context>
<context>
    <name>TicketsMenu</name>
    <message>
        <source>&amp;Tickets</source>
        <translation>案件(&amp;T)</translation>
    </message>
    <message>
        <source>Shift &amp;handover…</source>
        <translation>交接(&amp;H)…</translation>
    </message>
    <message>
        <source>&amp;Quarantined messages…</source>
        <translation>隔離訊息(&amp;Q)…</translation>
    </message>
    <message>
        <source>Sign in &amp;as…</source>
        <translation>以其他身分登入(&amp;A)…</translation>
    </message>
</context>
<context>
    <name>TrackEvent</name>
    <message>
        <source>Sealed</source>
        <translation>加封</translation>
    </message>
    <message>
        <source>Unsealed</source>
        <translation>解封</translation>
    </message>
    <message>
        <source>Tamper alarm</source>
        <translation>破壞警報</translation>
    </message>
    <message>
        <source>Departure read</source>
        <translation>出站讀取</translation>
    </message>
    <message>
        <source>Arrival read</source>
        <translation>到站讀取</translation>
    </message>
    <message>
        <source>Seal read</source>
        <translation>封條讀取</translation>
    </message>
    <message>
        <source>Gate in</source>
        <translation>進哨</translation>
    </message>
    <message>
        <source>Gate out</source>
        <translation>出哨</translation>
    </message>
</context>
<context>
    <name>TripDetailPanel</name>
    <message>
        <source>Trip detail</source>
        <translation>行程明細</translation>
    </message>
    <message>
        <source>active</source>
        <translation>主動式</translation>
    </message>
    <message>
        <source>passive</source>
        <translation>被動式</translation>
    </message>
    <message>
        <source>No reported position</source>
        <translation>無回報位置</translation>
    </message>
    <message>
        <source>, {speed:.0f} km/h</source>
        <translation>，{speed:.0f} km/h</translation>
    </message>
    <message>
        <source>{count} open</source>
        <translation>未結 {count} 件</translation>
    </message>
    <message>
        <source>None open</source>
        <translation>無未結案件</translation>
    </message>
    <message>
        <source>Not departed yet</source>
        <translation>尚未出站</translation>
    </message>
    <message>
        <source>▲ Overdue by {time}</source>
        <translation>▲ 已逾時 {time}</translation>
    </message>
    <message>
        <source>Order no.</source>
        <translation>運送單號碼</translation>
    </message>
    <message>
        <source>Phase</source>
        <translation>階段</translation>
    </message>
    <message>
        <source>Origin</source>
        <translation>起運地</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>目的地</translation>
    </message>
    <message>
        <source>Plate</source>
        <translation>車牌</translation>
    </message>
    <message>
        <source>Driver</source>
        <translation>駕駛</translation>
    </message>
    <message>
        <source>Containers</source>
        <translation>貨櫃號碼</translation>
    </message>
    <message>
        <source>Seals</source>
        <translation>封條</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>限時到站</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>剩餘時間</translation>
    </message>
    <message>
        <source>Last position</source>
        <translation>最後位置</translation>
    </message>
    <message>
        <source>Tickets</source>
        <translation>異常案件</translation>
    </message>
    <message>
        <source>Select a trip on the map, in the queue or with search (Ctrl+F).</source>
        <translation>請在地圖、案件佇列或以搜尋 (Ctrl+F) 選取行程。</translation>
    </message>
</context>
</TS>
