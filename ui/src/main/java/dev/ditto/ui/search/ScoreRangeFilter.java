package dev.ditto.ui.search;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.NumberField;
import dev.ditto.search.ScoreField;
import dev.ditto.search.ScoreRange;
import dev.ditto.search.ScoreSummary;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Ranges on any score (judge, runner metrics, source probe): pick a score, a minimum and/or a maximum, add it;
 * active ranges show as chips that remove themselves. Ranges on different scores combine with AND; a new range on a
 * score replaces the old one.
 */
final class ScoreRangeFilter extends HorizontalLayout {
    private final ComboBox<ScoreField> field = new ComboBox<>("Score");
    private final NumberField min = new NumberField("Min");
    private final NumberField max = new NumberField("Max");
    private final Div chips = new Div();
    private final List<ScoreRange> ranges = new ArrayList<>();
    private final Runnable onChange;
    private List<ScoreSummary> summaries = List.of();

    ScoreRangeFilter(Runnable onChange) {
        this.onChange = onChange;
        field.setItems(ScoreField.values());
        field.setItemLabelGenerator(ScoreRangeFilter::label);
        field.setValue(ScoreField.JUDGE_OVERALL);
        field.setWidth("15em");
        field.getElement().setAttribute("data-testid", "score-field");
        field.addValueChangeListener(e -> showSummary());
        for (NumberField bound : List.of(min, max)) {
            bound.setWidth("7em");
            bound.setClearButtonVisible(true);
        }
        min.getElement().setAttribute("data-testid", "score-min");
        max.getElement().setAttribute("data-testid", "score-max");
        Button add = new Button("Add range", e -> add());
        add.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        add.getElement().setAttribute("data-testid", "score-add");
        chips.getElement().setAttribute("data-testid", "score-ranges");
        chips.getStyle().set("display", "flex").set("gap", "var(--lumo-space-xs)").set("flex-wrap", "wrap");
        setAlignItems(FlexComponent.Alignment.BASELINE);
        getStyle().set("flex-wrap", "wrap");
        add(field, min, max, add, chips);
    }

    /** The active ranges. */
    List<ScoreRange> ranges() {
        return List.copyOf(ranges);
    }

    /** The spread of each score over the current results, shown under the chosen score. */
    void summaries(List<ScoreSummary> value) {
        summaries = List.copyOf(value);
        showSummary();
    }

    /** What a score is called on screen. */
    static String label(ScoreField f) {
        return switch (f) {
            case JUDGE_OVERALL -> "Judge score";
            case JUDGE_SAFETY -> "Judge: safety";
            case JUDGE_INSTRUCTION_FOLLOWING -> "Judge: instruction following";
            case JUDGE_PRESERVATION -> "Judge: preservation";
            case JUDGE_VISUAL_QUALITY -> "Judge: visual quality";
            case JUDGE_TEMPORAL_CONSISTENCY -> "Judge: temporal consistency";
            case WARP_ERROR -> "Warp error";
            case EDGE_SSIM -> "Edge SSIM";
            case EDIT_STRENGTH -> "Edit strength";
            case EDITED_BRISQUE -> "BRISQUE (edited)";
            case SOURCE_MOTION -> "Source motion";
            case SOURCE_BRISQUE -> "BRISQUE (source)";
            case SOURCE_PEOPLE -> "Source people";
            case SOURCE_FACES -> "Source faces";
            case SOURCE_TEXT_OVERLAY -> "Source text overlay";
        };
    }

    private void add() {
        ScoreField f = field.getValue();
        Double low = min.getValue();
        Double high = max.getValue();
        if (f == null || low == null && high == null) {
            Notification.show("Pick a score and give a minimum, a maximum or both.");
            return;
        }
        if (low != null && high != null && low > high) {
            Notification.show("The minimum " + number(low) + " is above the maximum " + number(high) + ".");
            return;
        }
        ranges.removeIf(r -> r.field() == f);
        ranges.add(new ScoreRange(f, low, high));
        min.clear();
        max.clear();
        showChips();
        onChange.run();
    }

    private void showChips() {
        chips.removeAll();
        for (ScoreRange range : ranges) {
            Button remove = new Button("×", e -> {
                ranges.remove(range);
                showChips();
                onChange.run();
            });
            remove.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE, ButtonVariant.LUMO_SMALL);
            remove.getElement().setAttribute("aria-label", "Remove " + describe(range));
            remove.getElement().setAttribute("data-testid", "score-range-remove");
            Span chip = new Span(new Span(describe(range)), remove);
            chip.getElement().getThemeList().add("badge pill");
            chip.getElement().setAttribute("data-testid", "score-range-chip");
            chip.getElement().setAttribute("data-field", range.field().name());
            chips.add(chip);
        }
    }

    private void showSummary() {
        ScoreField f = field.getValue();
        field.setHelperText(f == null ? null : summaries.stream().filter(s -> s.field() == f && s.count() > 0).findFirst()
                .map(s -> "In these results: " + number(s.min()) + " – " + number(s.max()) + " (" + s.count() + ")")
                .orElse("No values in these results"));
    }

    static String describe(ScoreRange r) {
        String name = label(r.field());
        if (r.min() != null && r.max() != null) {
            return name + " " + number(r.min()) + " – " + number(r.max());
        }
        return r.min() != null ? name + " ≥ " + number(r.min()) : name + " ≤ " + number(r.max());
    }

    private static String number(@Nullable Double value) {
        return value == null ? "" : BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
