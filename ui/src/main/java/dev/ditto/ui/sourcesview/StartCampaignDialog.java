package dev.ditto.ui.sourcesview;

import static dev.ditto.ui.sourcesview.TestIds.id;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import dev.ditto.agent.Category;
import dev.ditto.agent.CategoryMix;
import dev.ditto.campaigns.CampaignAdvisor;
import dev.ditto.campaigns.CampaignRequest;
import dev.ditto.campaigns.CampaignService;
import dev.ditto.search.SearchRequest;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Starts an instruction campaign for the selected sources, or for the sources of a sample search's results: its
 * name, instructions per source, the category mix (percent per category, normalised), the seed, and the engine
 * that will write (shown: the one in force now).
 */
public class StartCampaignDialog extends Dialog {
    private final Map<Category, IntegerField> mix = new EnumMap<>(Category.class);
    private final Span total = id(new Span(), "campaign-mix-total");
    private final Span error = id(new Span(), "campaign-error");
    /** The advice lines the admin took (cleared by nothing: editing the mix afterwards is the admin's edit of it). */
    private final List<String> adviceUsed = new java.util.ArrayList<>();

    StartCampaignDialog(CampaignService campaigns, List<Long> sourceIds, LongConsumer started) {
        this(campaigns, sourceIds, null, sourceIds.size(), started);
    }

    /**
     * For the sources of {@code search}'s results, resolved again when the campaign starts.
     *
     * @throws IllegalArgumentException the search finds no source, or too many samples to follow
     */
    public static StartCampaignDialog forSampleSearch(CampaignService campaigns, SearchRequest search, LongConsumer started) {
        int sources = campaigns.resolveSources(new CampaignRequest("preview", null, 1, null, 0, null, search)).size();
        StartCampaignDialog dialog = new StartCampaignDialog(campaigns, List.of(), search, sources, started);
        dialog.setHeaderTitle("Start a campaign for the " + sources + " source" + (sources == 1 ? "" : "s")
                + " of these search results");
        return dialog;
    }

    private StartCampaignDialog(CampaignService campaigns, List<Long> sourceIds, @Nullable SearchRequest search, int sources,
                                LongConsumer started) {
        id(this, "campaign-dialog");
        setHeaderTitle("Start a campaign for " + sources + " source" + (sources == 1 ? "" : "s"));
        TextField name = id(new TextField("Name"), "campaign-name");
        name.setValue("Campaign " + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")));
        name.setRequired(true);
        IntegerField perSource = id(new IntegerField("Instructions per source"), "campaign-per-source");
        perSource.setMin(1);
        perSource.setMax(1000);
        perSource.setValue(4);
        perSource.setStepButtonsVisible(true);
        IntegerField seed = id(new IntegerField("Seed"), "campaign-seed");
        seed.setValue(0);
        Span engine = id(new Span(campaigns.engine()), "campaign-engine");
        engine.getStyle().set("font-family", "var(--lumo-font-family-monospace, monospace)");

        FormLayout form = new FormLayout();
        form.add(name, perSource, seed);
        form.addFormItem(engine, "Engine (in force now)");
        Map<Category, Double> defaults = CategoryMix.defaultMix().targets();
        for (Category c : Category.values()) {
            IntegerField share = id(new IntegerField(c.wireName().replace('_', ' ') + " %"), "campaign-mix-" + c.wireName());
            share.setMin(0);
            share.setMax(100);
            share.setStepButtonsVisible(true);
            share.setStep(5);
            share.setValue((int) Math.round(100 * defaults.getOrDefault(c, 0.0)));
            share.addValueChangeListener(e -> updateTotal());
            mix.put(c, share);
            form.add(share);
        }
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1), new FormLayout.ResponsiveStep("30em", 3));
        updateTotal();
        error.getStyle().set("color", "var(--lumo-error-text-color)");

        // what the curators' recent decisions suggest: shown, used only when the admin says so
        CampaignAdvisor.Advice advice = campaigns.advice(CampaignAdvisor.DEFAULT_LAST, CampaignAdvisor.DEFAULT_MIN_DECISIONS);
        Div adviceBox = id(new Div(), "campaign-advice");
        adviceBox.getStyle().set("background", "var(--lumo-contrast-5pct)").set("padding", "var(--lumo-space-s) var(--lumo-space-m)")
                .set("border-radius", "var(--lumo-border-radius-m)").set("font-size", "var(--lumo-font-size-s)");
        adviceBox.add(new Div(new Span("From the last " + advice.basedOn() + " curator decisions:")));
        if (advice.why() != null) {
            adviceBox.add(new Div(new Span(advice.why())));
        }
        for (String line : advice.lines()) {
            adviceBox.add(id(new Div(new Span(line)), "campaign-advice-line"));
        }
        for (String line : advice.guidance()) {
            adviceBox.add(new Div(new Span("Writer: " + line)));
        }
        Button useAdvice = id(new Button("Use the proposed mix"), "campaign-use-advice");
        useAdvice.addThemeVariants(ButtonVariant.LUMO_SMALL);
        useAdvice.setEnabled(!advice.lines().isEmpty());
        useAdvice.addClickListener(e -> {
            advice.proposedMix().forEach((c, w) -> mix.get(c).setValue((int) Math.round(100 * w)));
            adviceUsed.clear();
            adviceUsed.addAll(advice.lines());
            adviceUsed.addAll(advice.guidance().stream().map(g -> "writer: " + g).toList());
            updateTotal();
        });
        adviceBox.add(useAdvice);
        add(form, total, adviceBox, error);

        Button start = id(new Button("Start campaign"), "campaign-start");
        start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        start.addClickListener(e -> {
            try {
                Map<Category, Double> shares = new EnumMap<>(Category.class);
                mix.forEach((c, f) -> shares.put(c, f.getValue() == null ? 0.0 : f.getValue().doubleValue()));
                int per = perSource.getValue() == null ? 0 : perSource.getValue();
                long id = campaigns.start(new CampaignRequest(name.getValue(), sourceIds, per, shares,
                        seed.getValue() == null ? 0 : seed.getValue(), null, search, List.copyOf(adviceUsed)));
                close();
                started.accept(id);
            } catch (IllegalArgumentException ex) {
                error.setText(ex.getMessage());
            }
        });
        Button cancel = id(new Button("Cancel", e -> close()), "campaign-cancel");
        getFooter().add(cancel, start);
        setWidth("min(56em, 95vw)");
    }

    private void updateTotal() {
        int sum = mix.values().stream().mapToInt(f -> f.getValue() == null ? 0 : f.getValue()).sum();
        total.setText("Mix total " + sum + "%" + (sum == 100 ? "" : " — shares are normalised to 100%"));
    }
}
