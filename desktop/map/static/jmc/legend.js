/* The legend (severity symbols, their names and counts, then the CONFLICT marking and its count)
   and the status line, in the map's
   language (lang.js): the secondary language is dimmed, and hidden on a small map (map.css). */
(function () {
  'use strict';
  const JMC = (window.JMC = window.JMC || {});
  const esc = (t) => JMC.symbols.escapeHtml(t);
  const figure = (n) => n.toLocaleString('en-US');

  class Legend {
    constructor(map, styles, conflict) {
      this.styles = styles;
      this.conflict = conflict;
      this.legend = Legend._control(map, 'bottomleft', 'jmc-legend');
      this.status = Legend._control(map, 'topright', 'jmc-status');
      this.counts = null;
      this.dataTime = '';
      this.render();
    }

    static _control(map, position, className) {
      const control = L.control({ position });
      control.onAdd = () => L.DomUtil.create('div', className);
      control.addTo(map);
      return control.getContainer();
    }

    // Build both parts (again) in the current language.
    render() {
      const lang = JMC.lang;
      const rows = this.styles
        .slice()
        .reverse()
        .map((s) => {
          const names = [s.label_zh, s.label_en];
          return (
            `<tr><td>${JMC.symbols.svgShape(s, false, 16)}</td>` +
            `<td class="jmc-first">${esc(lang.primary(names))}</td>` +
            `<td class="jmc-second">${esc(lang.secondary(names))}</td>` +
            `<td class="jmc-num" data-sev="${s.code}">0</td></tr>`
          );
        })
        .join('');
      const c = this.conflict;
      const conflictNames = [c.label_zh, c.label_en];
      const conflict =
        `<tr class="jmc-conflict"><td>${JMC.symbols.svgConflict(c.colour, 16)}</td>` +
        `<td class="jmc-first" style="color:${c.colour}">${esc(lang.primary(conflictNames))}</td>` +
        `<td class="jmc-second">${esc(lang.secondary(conflictNames))}</td>` +
        '<td class="jmc-num" data-conflicts="1">0</td></tr>';
      const passive = JMC.symbols.svgShape(this.styles[0], true, 16);
      this.legend.innerHTML =
        `<table>${rows}${conflict}<tr class="jmc-sep"><td>${passive}</td><td colspan="3">` +
        `${esc(lang.primary('passiveSeal'))}<span class="jmc-second"><br>${esc(lang.secondary('passiveSeal'))}</span>` +
        '</td></tr></table>';
      this.show(this.counts, this.dataTime);
    }

    // counts: store.counts(); dataTime: the data's clock text
    show(counts, dataTime) {
      this.counts = counts;
      this.dataTime = dataTime;
      const lang = JMC.lang;
      if (!counts) {
        this.status.innerHTML = lang.html('waiting');
        return;
      }
      for (const cell of this.legend.querySelectorAll('.jmc-num')) {
        cell.textContent = figure(cell.dataset.conflicts ? counts.conflicts : counts.bySev[Number(cell.dataset.sev)]);
      }
      const unlocated = counts.unlocated ? ` · ${lang.html('noFix')} ${figure(counts.unlocated)}` : '';
      this.status.innerHTML =
        `${lang.html('vehicles')} ${figure(counts.total)}${unlocated} · ` + `${lang.html('dataTime')} ${esc(dataTime)}`;
    }

    // what a reader sees (hidden parts left out): for tests and diagnostics
    text() {
      return { legend: this.legend.innerText, status: this.status.innerText };
    }
  }

  JMC.Legend = Legend;
})();
