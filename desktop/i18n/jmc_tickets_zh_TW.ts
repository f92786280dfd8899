<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_TW" sourcelanguage="en">
<context>
    <name>Tickets</name>
    <message>
        <source>Critical alarm</source>
        <translation>危急警報</translation>
    </message>
    <message>
        <source>Trip</source>
        <translation>運送</translation>
    </message>
    <message>
        <source>Transport order</source>
        <translation>運送單</translation>
    </message>
    <message>
        <source>Origin → destination</source>
        <translation>起運地 → 目的地</translation>
    </message>
    <message>
        <source>Containers</source>
        <translation>貨櫃</translation>
    </message>
    <message>
        <source>Seals</source>
        <translation>封條</translation>
    </message>
    <message>
        <source>Plate / driver</source>
        <translation>車號／駕駛</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>運送期限</translation>
    </message>
    <message>
        <source>Handling unit</source>
        <translation>處理單位</translation>
    </message>
    <message>
        <source>Show on map (M)</source>
        <translation>在地圖上顯示 (M)</translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation>處理程序</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>歷程</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>時間</translation>
    </message>
    <message>
        <source>By</source>
        <translation>人員</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>No ticket selected</source>
        <translation>未選取案件</translation>
    </message>
    <message numerus="yes">
        <source>%n occurrence(s)</source>
        <translation>
            <numerusform>發生 %n 次</numerusform>
        </translation>
    </message>
    <message>
        <source>Shelved until {time}: {reason}</source>
        <translation>擱置至 {time}：{reason}</translation>
    </message>
    <message>
        <source>system</source>
        <translation>系統</translation>
    </message>
    <message>
        <source>Alarm</source>
        <translation>警報</translation>
    </message>
    <message>
        <source>Acknowledge (Space)</source>
        <translation>確認 (空白鍵)</translation>
    </message>
    <message>
        <source>Assign to me</source>
        <translation>指派給我</translation>
    </message>
    <message>
        <source>Dispatch to office</source>
        <translation>派案至關區</translation>
    </message>
    <message>
        <source>Reason for shelving</source>
        <translation>擱置原因</translation>
    </message>
    <message>
        <source> h</source>
        <translation> 小時</translation>
    </message>
    <message>
        <source>Shelve</source>
        <translation>擱置</translation>
    </message>
    <message>
        <source>Unshelve</source>
        <translation>解除擱置</translation>
    </message>
    <message>
        <source>Notify</source>
        <translation>通知</translation>
    </message>
    <message>
        <source>Note (who, how, reference)</source>
        <translation>備註（對象、方式、文號）</translation>
    </message>
    <message>
        <source>Destination officer</source>
        <translation>目的地關員</translation>
    </message>
    <message>
        <source>Gate: intercept</source>
        <translation>門哨攔檢</translation>
    </message>
    <message>
        <source>Police</source>
        <translation>警政機關</translation>
    </message>
    <message>
        <source>Haulier</source>
        <translation>運輸業者</translation>
    </message>
    <message>
        <source>Evidence and findings</source>
        <translation>證據與處理情形</translation>
    </message>
    <message>
        <source>System gate images</source>
        <translation>系統出進站影像</translation>
    </message>
    <message>
        <source>Operator CCTV captured</source>
        <translation>業者監視系統影像</translation>
    </message>
    <message>
        <source>Cargo whereabouts traced</source>
        <translation>已追查貨物去向</translation>
    </message>
    <message>
        <source>Findings (處理情形)</source>
        <translation>處理情形</translation>
    </message>
    <message>
        <source>Save evidence and findings</source>
        <translation>儲存證據及處理情形</translation>
    </message>
    <message>
        <source>Attachment reference (file, URL, document no.)</source>
        <translation>附件參照（檔案、網址、文號）</translation>
    </message>
    <message>
        <source>Attach</source>
        <translation>附加</translation>
    </message>
    <message>
        <source>Submit for sign-off</source>
        <translation>送簽</translation>
    </message>
    <message>
        <source>Your password to sign off</source>
        <translation>簽核請輸入密碼</translation>
    </message>
    <message>
        <source>Sign off</source>
        <translation>簽核</translation>
    </message>
    <message>
        <source>A supervisor must resolve the CONFLICT first</source>
        <translation>須先由主管裁決衝突</translation>
    </message>
    <message>
        <source>Sign-off needed: {level}</source>
        <translation>應簽核層級：{level}</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>待處理</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>已確認</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>已派案</translation>
    </message>
    <message>
        <source>Awaiting sign-off</source>
        <translation>待簽核</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已結案</translation>
    </message>
    <message>
        <source>Acked</source>
        <comment>short status: acknowledged</comment>
        <translation>已確認</translation>
    </message>
    <message>
        <source>Sign-off</source>
        <comment>short status: awaiting sign-off</comment>
        <translation>待簽核</translation>
    </message>
    <message>
        <source>⚠ CONFLICT</source>
        <comment>a ticket two consoles decided differently</comment>
        <translation>⚠ 衝突</translation>
    </message>
    <message>
        <source>Dispatch</source>
        <translation>派案</translation>
    </message>
    <message>
        <source>Sign-off or return</source>
        <translation>簽核或退回</translation>
    </message>
    <message>
        <source>Origin office</source>
        <translation>起運地關區</translation>
    </message>
    <message>
        <source>Destination office</source>
        <translation>目的地關區</translation>
    </message>
    <message>
        <source>Monitoring centre</source>
        <translation>聯合管理中心</translation>
    </message>
    <message>
        <source>Level 1: section chief</source>
        <translation>第一層：股長</translation>
    </message>
    <message>
        <source>Level 2: division chief</source>
        <translation>第二層：課長</translation>
    </message>
    <message>
        <source>Level 3: head of unit</source>
        <translation>第三層：一級單位主管</translation>
    </message>
    <message>
        <source>Destination officer notified</source>
        <translation>已通知目的地關員</translation>
    </message>
    <message>
        <source>Gate asked to intercept</source>
        <translation>已請門哨攔檢</translation>
    </message>
    <message>
        <source>Police notified</source>
        <translation>已通報警政機關</translation>
    </message>
    <message>
        <source>Haulier contacted</source>
        <translation>已聯繫運輸業者</translation>
    </message>
    <message>
        <source>Container opened</source>
        <translation>開櫃查驗</translation>
    </message>
    <message>
        <source>X-ray</source>
        <translation>X 光儀檢</translation>
    </message>
    <message>
        <source>Driver statement</source>
        <translation>駕駛切結書</translation>
    </message>
    <message>
        <source>Charge reminder</source>
        <translation>充電提醒</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Raised</source>
        <translation>開立</translation>
    </message>
    <message>
        <source>Escalated</source>
        <translation>升級</translation>
    </message>
    <message>
        <source>Closed automatically</source>
        <translation>自動結案</translation>
    </message>
    <message>
        <source>Reopened</source>
        <translation>重新開啟</translation>
    </message>
    <message>
        <source>Linked to order</source>
        <translation>連結運送單</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>撤銷</translation>
    </message>
    <message>
        <source>Escalation acknowledged</source>
        <translation>確認升級</translation>
    </message>
    <message>
        <source>Assigned</source>
        <translation>指派</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>處置</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>處理情形</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>證據</translation>
    </message>
    <message>
        <source>Checklist</source>
        <translation>程序勾選</translation>
    </message>
    <message>
        <source>Attachment</source>
        <translation>附件</translation>
    </message>
    <message>
        <source>&lt;1m</source>
        <translation>&lt;1分</translation>
    </message>
    <message>
        <source>{m}m</source>
        <translation>{m}分</translation>
    </message>
    <message>
        <source>{h}h</source>
        <translation>{h}時</translation>
    </message>
    <message>
        <source>{d}d</source>
        <translation>{d}天</translation>
    </message>
    <message>
        <source>Shelved</source>
        <translation>已擱置</translation>
    </message>
    <message>
        <source>Unshelved</source>
        <translation>解除擱置</translation>
    </message>
    <message>
        <source>Intercept requested</source>
        <translation>請求攔檢</translation>
    </message>
    <message>
        <source>Intercept cancelled</source>
        <translation>取消攔檢</translation>
    </message>
    <message>
        <source>Submitted for sign-off</source>
        <translation>送簽</translation>
    </message>
    <message>
        <source>Signed off</source>
        <translation>簽核結案</translation>
    </message>
    <message>
        <source>Returned for rework</source>
        <translation>退回重辦</translation>
    </message>
    <message>
        <source>Conflict resolved</source>
        <translation>衝突已裁決</translation>
    </message>
    <message>
        <source>system images</source>
        <translation>系統影像</translation>
    </message>
    <message>
        <source>operator CCTV</source>
        <translation>業者監視影像</translation>
    </message>
    <message>
        <source>whereabouts traced</source>
        <translation>已追查去向</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>嚴重度</translation>
    </message>
    <message>
        <source>Anomaly</source>
        <translation>異常類別</translation>
    </message>
    <message>
        <source>{conflict}: {topics}</source>
        <translation>{conflict}：{topics}</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>狀態</translation>
    </message>
    <message>
        <source>Order / subject</source>
        <translation>運送單／對象</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>次數</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>承辦人</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>歷時</translation>
    </message>
    <message>
        <source>Keelung</source>
        <translation>基隆</translation>
    </message>
    <message>
        <source>Taipei</source>
        <translation>臺北</translation>
    </message>
    <message>
        <source>Taichung</source>
        <translation>臺中</translation>
    </message>
    <message>
        <source>Kaohsiung</source>
        <translation>高雄</translation>
    </message>
    <message>
        <source>Filters</source>
        <translation>篩選</translation>
    </message>
    <message>
        <source>Region, anomaly code, handling unit, site, assigned to me</source>
        <translation>關區、異常類別、處理單位、站點、指派給我</translation>
    </message>
    <message>
        <source>{n} of these filters on</source>
        <translation>其中 {n} 項篩選生效中</translation>
    </message>
    <message>
        <source>All regions</source>
        <translation>全部關區</translation>
    </message>
    <message>
        <source>All codes</source>
        <translation>全部類別</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>處理中</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>All units</source>
        <translation>全部單位</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>站點</translation>
    </message>
    <message>
        <source>Assigned to me</source>
        <translation>指派給我</translation>
    </message>
    <message>
        <source>Order, plate or container</source>
        <translation>運送單、車號或貨櫃</translation>
    </message>
    <message>
        <source>⚠ Conflicts</source>
        <comment>status filter: tickets with an open CONFLICT</comment>
        <translation>⚠ 衝突</translation>
    </message>
    <message>
        <source>Critical</source>
        <extracomment>colour and shape per severity, from the one table the map draws with too (desktop/map/symbols.py): critical red triangle, high orange diamond, medium yellow square, low cyan circle; shape and label also carry the meaning for colour-blind readers. a CONFLICT (two consoles decided differently while apart): magenta, the colour no severity uses (desktop/map/symbols.py has none like it), with the ⚠ sign and the word as its shape and label; dark text on it for contrast</extracomment>
        <translation>危急</translation>
    </message>
    <message>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>中</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>Shift handover</source>
        <translation>勤務交接</translation>
    </message>
    <message>
        <source>Notes for the incoming officer</source>
        <translation>給接班人員的備註</translation>
    </message>
    <message>
        <source>Compose handover</source>
        <translation>產生交接單</translation>
    </message>
    <message>
        <source>Print to PDF…</source>
        <translation>列印為 PDF…</translation>
    </message>
    <message>
        <source>Acknowledge as incoming officer</source>
        <translation>接班人員確認接收</translation>
    </message>
    <message>
        <source>Handover acknowledged.</source>
        <translation>交接已確認。</translation>
    </message>
    <message>
        <source>JMC Console — sign in</source>
        <translation>聯合管理中心監控台 — 登入</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>使用者帳號</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密碼</translation>
    </message>
    <message>
        <source>Enter your user name and password.</source>
        <translation>請輸入使用者帳號及密碼。</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登入</translation>
    </message>
    <message>
        <source>Wait {s} s</source>
        <translation>請稍候 {s} 秒</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>接收時間</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>主題</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>設備</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Quarantined messages — JMC Console</source>
        <translation>隔離訊息 — 聯合管理中心監控台</translation>
    </message>
    <message>
        <source>Filter by topic, device, reason or payload</source>
        <translation>依主題、設備、原因或內容篩選</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>匯出 CSV…</translation>
    </message>
    <message>
        <source>{n} rejected; by reason:</source>
        <translation>共 {n} 筆拒收；依原因：</translation>
    </message>
    <message>
        <source>Export failed: {error}</source>
        <translation>匯出失敗：{error}</translation>
    </message>
    <message>
        <source>{n} rows written to {path}</source>
        <translation>已將 {n} 筆寫入 {path}</translation>
    </message>
    <message>
        <source>Default columns</source>
        <translation>預設欄位</translation>
    </message>
    <message>
        <source>{severity}: {count} tickets shown</source>
        <translation>{severity}：顯示 {count} 件</translation>
    </message>
    <message>
        <source>Alarm rate {rate}/10 min (EEMUA 191 ≤ {limit})</source>
        <translation>警報率 {rate} 件/10 分（EEMUA 191 ≤ {limit}）</translation>
    </message>
    <message>
        <source>Alarms per 10 minutes per operator over the last hour: {rate}. EEMUA 191 recommends no more than {limit}.</source>
        <translation>過去一小時每位值勤人員每 10 分鐘的警報數：{rate}。EEMUA 191 建議不超過 {limit}。</translation>
    </message>
    <message>
        <source>Reason for adopting a decision (required)</source>
        <translation>採用理由（必填）</translation>
    </message>
    <message>
        <source>Two consoles decided differently on this ticket while apart; both decisions are kept. Adopt one and say why: the choice is audited and reaches every console. Sign-off waits until then.</source>
        <translation>兩個主控台在彼此未連線時對本案件作出不同決定，兩者皆已保留。請採用其一並說明理由：此裁決留有稽核紀錄，並同步至所有主控台。裁決前不得簽核。</translation>
    </message>
    <message>
        <source>Two consoles decided differently on this ticket while apart; both decisions are kept. A supervisor (section chief or above) must adopt one; sign-off waits until then.</source>
        <translation>兩個主控台在彼此未連線時對本案件作出不同決定，兩者皆已保留。須由股長以上主管採用其一；裁決前不得簽核。</translation>
    </message>
    <message>
        <source>this console</source>
        <translation>本主控台</translation>
    </message>
    <message>
        <source>Console {console} · {officer} · {time}</source>
        <translation>主控台 {console} · {officer} · {time}</translation>
    </message>
    <message>
        <source>{event}: {detail}</source>
        <translation>{event}：{detail}</translation>
    </message>
    <message>
        <source>Adopt this decision</source>
        <translation>採用此決定</translation>
    </message>
    <message>
        <source>Give the reason first</source>
        <translation>請先填寫理由</translation>
    </message>
</context>
</TS>
