package dev.ditto.ui.admin;

import static dev.ditto.ui.admin.Ids.id;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.ditto.agent.judge.Calibration;
import dev.ditto.agent.judge.Criterion;
import dev.ditto.agent.judge.JudgeThresholds;
import dev.ditto.curation.JudgeCalibrationService;
import dev.ditto.ui.shared.EChart;
import jakarta.annotation.security.RolesAllowed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

/**
 * The judge against the curators: agreement and kappa now and under the proposed thresholds, overall and per
 * category; precision and recall of every threshold (plotted); and one click to put a proposal in force, which
 * re-decides waiting and auto-rejected samples from their stored scores.
 */
@Route("admin/calibration")
@PageTitle("Judge calibration · Ditto")
@Menu(title = "Judge calibration", order = 84, icon = "vaadin:scale")
@RolesAllowed("ADMIN")
public class CalibrationView extends VerticalLayout {
    private final JudgeCalibrationService calibration;
    private final ObjectMapper json;

    private final NumberField target = id(new NumberField("Target precision"), "calibration-target");
    private final Span summary = id(new Span(), "calibration-summary");
    private final Span why = id(new Span(), "calibration-why");
    private final Grid<Row> agreement = id(new Grid<>(), "calibration-agreement");
    private final Grid<Calibration.Curve> thresholds = id(new Grid<>(), "calibration-thresholds");
    private final Select<String> curve = id(new Select<>(), "calibration-curve");
    private final EChart plot = new EChart("calibration-plot", "22em");
    private final Button applyBest = id(new Button("Apply best-κ thresholds"), "calibration-apply-best");
    private final Button applyTarget = id(new Button("Apply target-precision thresholds"), "calibration-apply-target");
    private final Span result = id(new Span(), "calibration-result");
    private Calibration.@Nullable Report report;

    /** One line of the agreement table: a scope (all or a category), now and with the proposal. */
    record Row(String scope, long n, String now, String proposed) {}

    public CalibrationView(JudgeCalibrationService calibration, ObjectMapper json) {
        this.calibration = calibration;
        this.json = json;
        setWidthFull();
        target.setValue(0.9);
        target.setMin(0.05);
        target.setMax(1);
        target.setStep(0.05);
        target.setStepButtonsVisible(true);
        target.addValueChangeListener(e -> refresh());
        Button reload = new Button("Recompute", e -> refresh());
        HorizontalLayout controls = new HorizontalLayout(target, reload);
        controls.setAlignItems(FlexComponent.Alignment.BASELINE);
        why.getStyle().set("color", "var(--lumo-error-text-color)");

        agreement.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        agreement.addColumn(Row::scope).setHeader("Samples").setAutoWidth(true);
        agreement.addColumn(Row::n).setHeader("Decided").setAutoWidth(true);
        agreement.addColumn(Row::now).setHeader("Judge now: agreement · κ").setFlexGrow(1);
        agreement.addColumn(Row::proposed).setHeader("Best-κ proposal: agreement · κ").setFlexGrow(1);
        agreement.setAllRowsVisible(true);

        thresholds.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        thresholds.addColumn(Calibration.Curve::name).setHeader("Minimum of").setAutoWidth(true);
        thresholds.addColumn(c -> fmt(c.current())).setHeader("In force").setAutoWidth(true);
        thresholds.addColumn(c -> report == null || report.why() != null ? "—" : fmt(c.bestKappaThreshold()))
                .setHeader("Best κ alone").setAutoWidth(true);
        thresholds.addColumn(c -> report == null || report.proposed() == null ? "—" : fmt(value(report.proposed(), c.name())))
                .setHeader("Proposed (together)").setAutoWidth(true);
        thresholds.addColumn(c -> report == null || report.forTargetPrecision() == null ? "—"
                : fmt(value(report.forTargetPrecision(), c.name()))).setHeader("For target precision").setAutoWidth(true);
        thresholds.setAllRowsVisible(true);

        curve.setLabel("Curve");
        curve.addValueChangeListener(e -> plot());
        applyBest.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        applyBest.addClickListener(e -> apply(true));
        applyTarget.addClickListener(e -> apply(false));

        add(new H2("Judge calibration"), new Paragraph("How often the judge's decision matches the curators' on the samples "
                        + "people decided (the most recent " + 20_000 + " at most), and the thresholds that would match them "
                        + "better. A share of would-be auto-rejects goes to review (Settings: agent.judge-review-share) so "
                        + "both sides are seen. Applying re-decides samples waiting for review and auto-rejected ones from "
                        + "their stored scores; decided samples keep their decision."),
                controls, summary, why, agreement, new H3("Thresholds"), thresholds, curve, plot,
                new HorizontalLayout(applyBest, applyTarget), result);
        refresh();
    }

    private void refresh() {
        double t = target.getValue() == null ? 0.9 : target.getValue();
        try {
            report = calibration.report(t);
        } catch (IllegalArgumentException e) {
            why.setText(e.getMessage());
            return;
        }
        Calibration.Report r = report;
        summary.setText(r.n() + " decided samples, " + r.curatorAccepts() + " accepted by curators. Judge now: "
                + agreementText(r.current()) + (r.proposedAgreement() == null ? "" : "; with the proposal: "
                + agreementText(r.proposedAgreement())) + (r.forTargetPrecisionAgreement() == null ? ""
                : "; at precision ≥ " + fmt(t) + ": " + agreementText(r.forTargetPrecisionAgreement())) + ".");
        why.setText(r.why() == null ? "" : r.why());
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("All", r.n(), agreementText(r.current()),
                r.proposedAgreement() == null ? "—" : agreementText(r.proposedAgreement())));
        r.currentByCategory().forEach((category, a) -> {
            Calibration.Agreement p = r.proposedByCategory().get(category);
            rows.add(new Row(category.toLowerCase(Locale.ROOT).replace('_', ' '), a.n(), agreementText(a),
                    p == null ? "—" : agreementText(p)));
        });
        agreement.setItems(rows);
        thresholds.setItems(r.curves());
        List<String> names = r.curves().stream().map(Calibration.Curve::name).toList();
        String selected = curve.getValue();
        curve.setItems(names);
        curve.setValue(selected != null && names.contains(selected) ? selected : Calibration.OVERALL);
        applyBest.setEnabled(r.proposed() != null);
        applyTarget.setEnabled(r.forTargetPrecision() != null);
        plot();
    }

    private void plot() {
        Calibration.Report r = report;
        if (r == null || curve.getValue() == null) {
            return;
        }
        Calibration.Curve c = r.curves().stream().filter(x -> x.name().equals(curve.getValue())).findFirst().orElse(null);
        if (c == null) {
            return;
        }
        List<Object> x = new ArrayList<>();
        List<Object> precision = new ArrayList<>();
        List<Object> recall = new ArrayList<>();
        List<Object> kappa = new ArrayList<>();
        for (Calibration.Point p : c.points()) {
            x.add(fmt(p.threshold()));
            precision.add(p.precision());
            recall.add(p.recall());
            kappa.add(p.kappa());
        }
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("tooltip", Map.of("trigger", "axis"));
        option.put("legend", Map.of("data", List.of("precision", "recall", "κ")));
        option.put("xAxis", Map.of("type", "category", "data", x, "name", "minimum of " + c.name(), "nameLocation", "middle",
                "nameGap", 28));
        option.put("yAxis", Map.of("type", "value", "min", -0.2, "max", 1));
        option.put("series", List.of(line("precision", precision), line("recall", recall), line("κ", kappa)));
        option.put("grid", Map.of("left", 40, "right", 20, "top", 30, "bottom", 50));
        plot.setOption(json.writeValueAsString(option));
    }

    private static Map<String, Object> line(String name, List<Object> data) {
        return Map.of("name", name, "type", "line", "data", data, "connectNulls", false, "showSymbol", false);
    }

    private void apply(boolean best) {
        Calibration.Report r = report;
        JudgeThresholds chosen = r == null ? null : best ? r.proposed() : r.forTargetPrecision();
        if (chosen == null) {
            Ids.failure("There is no proposal to apply" + (r != null && r.why() != null ? ": " + r.why() : "."));
            return;
        }
        JudgeCalibrationService.Applied a = calibration.apply(chosen);
        result.setText("In force: overall ≥ " + a.overallAfter() + "; " + a.minimumsAfter() + ". " + a.toReview()
                + " samples moved to review, " + a.toAutoRejected() + " auto-rejected, " + a.unchanged() + " unchanged.");
        refresh();
    }

    private static double value(JudgeThresholds t, String name) {
        if (name.equals(Calibration.OVERALL)) {
            return t.overallMinimum();
        }
        for (Criterion c : Criterion.values()) {
            if (c.wireName().equals(name)) {
                return t.minimums().getOrDefault(c, 0.0);
            }
        }
        return 0;
    }

    private static String agreementText(Calibration.Agreement a) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * a.agreement()) + " · κ "
                + (a.kappa() == null ? "n/a" : String.format(Locale.ROOT, "%.2f", a.kappa()));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
