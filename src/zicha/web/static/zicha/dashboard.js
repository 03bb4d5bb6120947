// The county's dashboard: charts of /api/dashboard (the same computation as /api/compute and
// /api/rank), drawn with Apache ECharts (vendored). Every chart can be saved as a picture; a
// click on a unit opens the dashboard of the units below it.
(function () {
  "use strict";
  var COLORS = { met: "#1d6b3a", on_track: "#3b8f5a", at_risk: "#c88a12", not_met: "#a61b1b",
                 no_data: "#9aa7b5", no_target: "#9aa7b5" };
  var STATUS = { met: "达标", on_track: "进度正常", at_risk: "进度滞后", not_met: "未达标",
                 no_data: "无数据", no_target: "无目标" };
  var root = document.getElementById("dashboard");
  if (!root) return;
  var org = root.dataset.org, period = root.dataset.period;
  var charts = [];

  function pct(x) { return x === null || x === undefined ? null : Math.round(x * 1000) / 10; }
  function fmt(x) { return x === null || x === undefined ? "—" : String(Math.round(x * 100) / 100); }
  function toolbox(name) {
    return { feature: { saveAsImage: { title: "保存为图片", name: name, pixelRatio: 2,
                                       backgroundColor: "#fff" } }, right: 8 };
  }
  function box(parent, id) {
    var el = document.createElement("div");
    el.className = "chart"; el.id = id;
    parent.appendChild(el);
    return el;
  }
  function draw(el, option, drill) {
    var chart = echarts.init(el, null, { locale: "ZH", renderer: "canvas" });
    option.animation = false;
    chart.setOption(option);
    if (drill) chart.on("click", function (p) { drill(p); });
    charts.push(chart);
    return chart;
  }
  function go(code, hasChildren) {
    var page = hasChildren ? "/dashboard" : "/indicators";
    location.href = page + "?org=" + encodeURIComponent(code) + "&period=" + encodeURIComponent(period);
  }

  function progress(data, units) {
    var holder = document.getElementById("progress-charts");
    var empty = [];
    data.progress.forEach(function (item) {
      var count = item.kind === "count";
      var rows = item.rows;
      if (rows.every(function (r) { return r.value === null; })) { empty.push(item.name); return; }
      var pace = null;
      rows.forEach(function (r) {
        var p = r.due !== null && r.due !== undefined ? r.due : r.elapsed;
        if (p !== null && p !== undefined) pace = p;
      });
      var values = rows.map(function (r) {
        var v = count ? pct(r.completion) : r.value;
        return { value: v, code: r.org, itemStyle: { color: COLORS[r.status] || "#1f3a5f" }, row: r };
      });
      var marks = [];
      if (count && pace !== null) marks.push({ yAxis: pct(pace), name: "时间进度" });
      var t = rows.length ? rows[0].target : null;
      if (!count && t) {
        if (t.op === "range") { marks.push({ yAxis: t.low, name: "下限" }, { yAxis: t.high, name: "上限" }); }
        else if (t.value !== null) marks.push({ yAxis: t.value, name: "目标" });
      }
      draw(box(holder, "chart-progress-" + item.indicator), {
        title: { text: item.name + (count ? "：完成率（%）" : "（" + item.unit + "）"), left: 8, textStyle: { fontSize: 14 } },
        toolbox: toolbox(item.name + "进度"),
        tooltip: { trigger: "item", formatter: function (p) {
          var r = p.data.row;
          return r.name + "<br>" + (count ? "累计 " + fmt(r.to_date) + "，完成 " + fmt(pct(r.completion)) + "%" : "数值 " + fmt(r.value)) +
            "<br>目标 " + (r.target ? r.target.text : "—") + "，预计 " + fmt(r.projection) + "<br>" + (STATUS[r.status] || r.status);
        } },
        grid: { left: 56, right: 72, top: 48, bottom: 48 },
        xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { interval: 0 } },
        yAxis: { type: "value" },
        series: [{ type: "bar", name: item.name, data: values, barMaxWidth: 36,
                   markLine: { symbol: "none", lineStyle: { type: "dashed", color: "#1f3a5f" },
                               label: { formatter: "{b} {c}" }, data: marks } }]
      }, function (p) { go(p.data.code, units[p.data.code]); });
    });
    if (!data.progress.length) holder.innerHTML = '<p class="muted">下级单位没有设定目标。</p>';
    if (empty.length) {
      var note = document.createElement("p");
      note.className = "muted"; note.id = "progress-empty";
      note.textContent = "有目标但下级单位都没有数据：" + empty.join("、");
      holder.after(note);
    }
  }

  function ranking(data, units) {
    var el = document.getElementById("chart-ranking");
    if (!data.ranking || !data.ranking.rows.length) { el.outerHTML = '<p class="muted">没有可排名的下级单位。</p>'; return; }
    var rows = data.ranking.rows.slice().reverse();
    draw(el, {
      title: { text: "考核得分与名次（红色为一票否决）", left: 8, textStyle: { fontSize: 14 } },
      toolbox: toolbox("考核排名"),
      tooltip: { trigger: "item", formatter: function (p) {
        var r = p.data.row;
        return "第 " + r.rank + " 名 " + r.org_unit.name + "<br>" + fmt(r.total) + " / " + fmt(r.max) + " 分" + (r.vetoed ? "<br>一票否决" : "");
      } },
      grid: { left: 96, right: 48, top: 48, bottom: 24 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: rows.map(function (r) { return "第" + r.rank + "名 " + r.org_unit.name; }) },
      series: [{ type: "bar", data: rows.map(function (r) {
        return { value: r.total, code: r.org_unit.code, row: r,
                 itemStyle: { color: r.vetoed ? COLORS.not_met : "#1f3a5f" },
                 label: { show: true, position: "right", formatter: fmt(r.total) + (r.vetoed ? " 一票否决" : "") } };
      }) }]
    }, function (p) { go(p.data.code, units[p.data.code]); });
  }

  function flows(data, units) {
    var holder = document.getElementById("flow-charts");
    data.flows.forEach(function (f) {
      var series = [
        { type: "bar", name: data.org_unit.name + "当月", yAxisIndex: 1, data: f.values, barMaxWidth: 30,
          itemStyle: { color: "#c9d3de" } },
        { type: "line", name: "时间进度", data: f.pace.map(pct), lineStyle: { type: "dashed", width: 2, color: "#1f3a5f" },
          symbol: "none" }
      ];
      f.units.forEach(function (u) {
        series.push({ type: "line", name: u.name, code: u.org, data: f.units.length ? u.completion.map(pct) : [] });
      });
      draw(box(holder, "chart-flow-" + f.indicator), {
        title: { text: f.name + "：逐月累计完成率与时间进度", left: 8, textStyle: { fontSize: 14 } },
        toolbox: toolbox(f.name + "逐月"),
        tooltip: { trigger: "axis" },
        legend: { bottom: 4, type: "scroll" },
        grid: { left: 56, right: 56, top: 56, bottom: 72 },
        xAxis: { type: "category", data: f.months.map(function (m) { return m.label; }) },
        yAxis: [{ type: "value", name: "完成率 %" }, { type: "value", name: f.unit, splitLine: { show: false } }],
        series: series
      }, function (p) {
        var u = f.units.find(function (x) { return x.name === p.seriesName; });
        if (u) go(u.org, units[u.org]);
      });
    });
    if (!data.flows.length) holder.innerHTML = '<p class="muted">本期没有按月的计数目标。</p>';
  }

  function findings(data, units) {
    draw(document.getElementById("chart-findings"), {
      title: { text: "数据核查：错误与提示", left: 8, textStyle: { fontSize: 14 } },
      toolbox: toolbox("数据核查"),
      tooltip: { trigger: "axis" }, legend: { top: 26 },
      grid: { left: 48, right: 24, top: 64, bottom: 48 },
      xAxis: { type: "category", data: data.findings.map(function (r) { return r.name; }), axisLabel: { interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { type: "bar", name: "错误", stack: "f", itemStyle: { color: COLORS.not_met },
          data: data.findings.map(function (r) { return { value: r.errors, code: r.org }; }) },
        { type: "bar", name: "提示", stack: "f", itemStyle: { color: COLORS.at_risk },
          data: data.findings.map(function (r) { return { value: r.warnings, code: r.org }; }) }
      ]
    }, function (p) { go(p.data.code, units[p.data.code]); });
    draw(document.getElementById("chart-submissions"), {
      title: { text: "报送：逾期次数与本期状态", left: 8, textStyle: { fontSize: 14 } },
      toolbox: toolbox("报送情况"),
      tooltip: { trigger: "item", formatter: function (p) { return p.data.row.name + "<br>本期：" + p.data.row.state_name + "<br>逾期 " + p.data.row.late + " 次"; } },
      grid: { left: 48, right: 24, top: 48, bottom: 48 },
      xAxis: { type: "category", data: data.submissions.map(function (r) { return r.name; }), axisLabel: { interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", name: "逾期", data: data.submissions.map(function (r) {
        return { value: r.late, code: r.org, row: r,
                 itemStyle: { color: r.late ? COLORS.not_met : COLORS.met },
                 label: { show: true, position: "top", formatter: r.state_name } };
      }) }]
    }, function (p) { go(p.data.code, units[p.data.code]); });
  }

  fetch("/api/dashboard?org=" + encodeURIComponent(org) + "&period=" + encodeURIComponent(period),
        { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
    .then(function (res) {
      var status = document.getElementById("dashboard-status");
      if (!res.ok) { status.textContent = res.body.detail || "无法计算"; status.className = "error"; return; }
      var data = res.body, units = {};
      data.units.forEach(function (u) { units[u.code] = u.has_children; });
      if (data.parent) {
        document.getElementById("dashboard-up").innerHTML = '<a href="/dashboard?org=' +
          encodeURIComponent(data.parent.code) + "&period=" + encodeURIComponent(period) + '">↑ 返回' + data.parent.name + "</a>";
      }
      progress(data, units); ranking(data, units); flows(data, units); findings(data, units);
      status.textContent = data.org_unit.name + " " + data.period.label + "：" + data.units.length + " 个下级单位";
      root.dataset.ready = "true";
    })
    .catch(function (err) {
      var status = document.getElementById("dashboard-status");
      status.textContent = "无法读取仪表盘数据：" + err; status.className = "error";
    });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
