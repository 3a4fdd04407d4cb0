// The HR overview's charts (/overview/), drawn with the vendored Apache ECharts (SVG renderer) from the
// figures the page carries as JSON (a json_script element per chart). Every text in a chart comes from
// that JSON, already translated on the server; this file holds none. Each chart follows its container's
// width (readable at 390 px); its table twin on the page holds the same figures.
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") { return; }
  var echarts = window.echarts;
  var COLOURS = ["#2f6fb3", "#7fb77e", "#e3a43b", "#b35c9e", "#888888", "#4fb0c6"];
  var locale = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0 ? "ZH" : "EN";
  var drawn = [];

  function option(data) {
    var several = data.series.length > 1;
    return {
      animation: false,
      color: COLOURS,
      textStyle: { fontSize: 12 },
      grid: { left: 4, right: several && data.stacked ? 12 : 36, top: several ? 34 : 6, bottom: 4,
              containLabel: true },
      legend: { show: several, type: "scroll", top: 0, left: 0, itemWidth: 12, itemHeight: 12 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      xAxis: { type: "value", minInterval: 1, splitNumber: 4 },
      yAxis: { type: "category", inverse: true, data: data.labels,
               axisLabel: { width: 92, overflow: "truncate" }, axisTick: { show: false } },
      series: data.series.map(function (s) {
        return {
          type: "bar", name: s.name, data: s.values, stack: data.stacked ? "all" : undefined,
          barMaxWidth: 22, label: { show: !data.stacked, position: "right" }
        };
      })
    };
  }

  function height(data) {
    var several = data.series.length > 1;
    var row = data.stacked || !several ? 30 : 14 * data.series.length + 12;
    return data.labels.length * row + (several ? 34 : 0) + 30;
  }

  document.querySelectorAll("[data-echart]").forEach(function (box) {
    var source = document.getElementById("chart-data-" + box.getAttribute("data-echart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    box.hidden = false;
    box.style.height = height(data) + "px";
    var chart = echarts.init(box, null, { renderer: "svg", locale: locale });
    chart.setOption(option(data));
    drawn.push(chart);
  });

  if (!drawn.length) { return; }
  var pending = 0;
  function resize() {
    if (pending) { return; }
    pending = window.requestAnimationFrame(function () {
      pending = 0;
      drawn.forEach(function (chart) { chart.resize(); });
    });
  }
  if (typeof window.ResizeObserver === "function") {
    var watcher = new window.ResizeObserver(resize);
    drawn.forEach(function (chart) { watcher.observe(chart.getDom()); });
  } else {
    window.addEventListener("resize", resize);
  }
})();
