/* The map's language (MapView.set_language): the UI language first and the other second where
   there is room (the legend, the status line, the hover card, region names), the UI language
   alone where there is none (labels on the canvas, the compact legend of a small map). Site and
   gate names stay as the data gives them. Texts are [zh-TW, English] pairs. */
(function () {
  'use strict';
  const JMC = (window.JMC = window.JMC || {});
  const esc = (t) => JMC.symbols.escapeHtml(t);

  const TEXT = {
    vehicles: ['車輛', 'vehicles'],
    noFix: ['無位置', 'no fix'],
    dataTime: ['資料時間', 'data time'],
    waiting: ['等待資料', 'waiting for data'],
    passiveSeal: ['被動式封條：最後讀取位置', 'passive seal: last read, not live'],
    noPlate: ['無車號', 'no plate'],
    order: ['運送單', 'order'],
    containers: ['貨櫃', 'containers'],
    seals: ['封條', 'seals'],
    route: ['起訖', 'route'],
    phase: ['狀態', 'phase'],
    openTickets: ['未結異常', 'open tickets'],
    lastRead: ['最後讀取', 'last read'],
    lastFix: ['最後定位', 'last fix'],
    passive: ['被動式', 'passive'],
    active: ['主動式', 'active'],
    passiveNote: ['位置為出發讀取點，非即時位置', 'last read, not a live position'],
    start: ['起', 'start'],
    end: ['迄', 'end'],
    basemap: ['底圖', 'basemap'],
    conflictNote: ['兩台主控台處理不一致，待主管裁決', 'two consoles decided differently; a supervisor must resolve it'],
  };
  const LANGUAGES = ['zh_TW', 'en'];
  let english = false;

  const pairOf = (what) => (typeof what === 'string' ? TEXT[what] : what);
  // [primary, secondary] in the current language's order
  const ordered = (what) => {
    const pair = pairOf(what);
    return english ? [pair[1], pair[0]] : [pair[0], pair[1]];
  };

  JMC.lang = {
    get code() {
      return english ? 'en' : 'zh_TW';
    },
    // 'zh_TW' | 'en'; false (nothing changed) for an unknown code
    set(code) {
      if (!LANGUAGES.includes(code)) {
        console.warn('JMC: unknown language', code);
        return false;
      }
      english = code === 'en';
      return true;
    },
    pair: (key) => TEXT[key],
    primary: (what) => ordered(what)[0],
    secondary: (what) => ordered(what)[1],
    // plain text, both languages: '車輛 vehicles' / 'vehicles 車輛'
    both: (what) => ordered(what).filter(Boolean).join(' '),
    // markup: the primary, then the secondary dimmed (hidden where there is no room)
    html(what, separator = ' ') {
      const [first, second] = ordered(what);
      return second ? `${esc(first)}<span class="jmc-second">${esc(separator)}${esc(second)}</span>` : esc(first);
    },
  };
})();
