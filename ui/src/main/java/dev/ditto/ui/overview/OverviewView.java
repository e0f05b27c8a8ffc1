package dev.ditto.ui.overview;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.ditto.overview.PipelineCounts;
import jakarta.annotation.security.PermitAll;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** The landing page: sources, clips, jobs and samples by status, refreshed live. */
@Route("")
@PageTitle("Overview · Ditto")
@Menu(title = "Overview", order = 0, icon = "vaadin:dashboard")
@PermitAll
public class OverviewView extends VerticalLayout {
    private static final ScheduledExecutorService REFRESH = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "overview-refresh");
        t.setDaemon(true);
        return t;
    });

    private final PipelineCounts counts;
    private final FlexLayout cards = new FlexLayout();
    private @Nullable ScheduledFuture<?> refresh;

    public OverviewView(PipelineCounts counts) {
        this.counts = counts;
        cards.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        cards.getStyle().set("gap", "var(--lumo-space-m)");
        add(new H2("Overview"), cards);
        render();
    }

    private void render() {
        cards.removeAll();
        cards.add(card("Sources", counts.sources(), "sources"));
        cards.add(card("Clips", Map.of("normalised", counts.clips()), "clips"));
        cards.add(card("Jobs", counts.jobs(), "jobs"));
        cards.add(card("Samples", counts.samples(), "samples"));
    }

    private static Div card(String title, Map<String, Long> values, String testId) {
        Div card = new Div(new H3(title));
        card.getElement().setAttribute("data-testid", "card-" + testId);
        card.getStyle().set("border", "1px solid var(--lumo-contrast-10pct)").set("border-radius", "var(--lumo-border-radius-l)")
                .set("padding", "var(--lumo-space-m)").set("min-width", "14em");
        long total = values.values().stream().mapToLong(Long::longValue).sum();
        Span totalSpan = new Span("Total " + total);
        totalSpan.getStyle().set("font-weight", "600");
        card.add(totalSpan);
        values.forEach((k, v) -> card.add(new Div(new Span(k + ": " + v))));
        return card;
    }

    @Override
    protected void onAttach(AttachEvent event) {
        var ui = event.getUI();
        refresh = REFRESH.scheduleWithFixedDelay(() -> ui.access(this::render), 3, 3, TimeUnit.SECONDS);
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (refresh != null) {
            refresh.cancel(false);
        }
    }
}
