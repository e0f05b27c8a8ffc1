package dev.ditto.ui.shared;

import com.vaadin.flow.component.html.Div;

/**
 * An Apache ECharts plot. The library is the {@code org.webjars.npm:echarts} webjar, a static resource loaded once
 * per page by a script tag, so it needs no frontend build; options are plain ECharts JSON built on the server.
 */
public class EChart extends Div {
    /** Where Spring serves the webjar, relative to the app's base URL. */
    public static final String SCRIPT = "webjars/echarts/5.3.1/dist/echarts.min.js";

    private static final String RENDER = """
            const el = this;
            const option = JSON.parse($0);
            window.__dittoEcharts = window.__dittoEcharts || new Promise((resolve, reject) => {
              if (window.echarts) { resolve(); return; }
              const s = document.createElement('script');
              s.src = $1;
              s.onload = () => resolve();
              s.onerror = () => { window.__dittoEcharts = null; reject(new Error('could not load ' + $1)); };
              document.head.appendChild(s);
            });
            window.__dittoEcharts.then(() => {
              const chart = echarts.getInstanceByDom(el) || echarts.init(el, null, {renderer: 'svg'});
              chart.setOption(option, true);
              if (!el.__dittoResize) {
                el.__dittoResize = new ResizeObserver(() => chart.resize());
                el.__dittoResize.observe(el);
              }
              el.setAttribute('data-rendered', 'true');
            });""";

    public EChart(String testId, String height) {
        getElement().setAttribute("data-testid", testId);
        setWidthFull();
        setHeight(height);
    }

    /** Draws (or redraws) the plot with an ECharts option object given as JSON. */
    public void setOption(String optionJson) {
        getElement().executeJs(RENDER, optionJson, SCRIPT);
    }
}
