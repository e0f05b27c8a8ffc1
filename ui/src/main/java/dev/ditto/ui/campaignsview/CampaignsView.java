package dev.ditto.ui.campaignsview;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.router.RouteParameters;
import dev.ditto.campaigns.Campaign;
import dev.ditto.campaigns.CampaignService;
import jakarta.annotation.security.PermitAll;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Campaigns, newest first, with their progress; a row opens the campaign's page. Refreshes live. */
@Route("campaigns")
@PageTitle("Campaigns · Ditto")
@Menu(title = "Campaigns", order = 3, icon = "vaadin:magic")
@PermitAll
public class CampaignsView extends VerticalLayout {
    static final ScheduledExecutorService REFRESH = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "campaigns-refresh");
        t.setDaemon(true);
        return t;
    });
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private final CampaignService campaigns;
    private final Grid<Campaign> grid = new Grid<>();
    private List<Campaign> shown = List.of();
    private @Nullable ScheduledFuture<?> refresh;

    public CampaignsView(CampaignService campaigns) {
        this.campaigns = campaigns;
        setWidthFull();
        grid.getElement().setAttribute("data-testid", "campaign-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addComponentColumn(c -> {
            RouterLink link = new RouterLink(c.name(), CampaignView.class, new RouteParameters("id", String.valueOf(c.id())));
            link.getElement().setAttribute("data-testid", "campaign-link");
            link.getElement().setAttribute("data-campaign-id", String.valueOf(c.id()));
            return link;
        }).setHeader("Campaign").setAutoWidth(true).setFlexGrow(1);
        grid.addComponentColumn(c -> {
            Span s = new Span(c.status());
            s.getElement().getThemeList().add("badge " + CampaignView.badge(c.status()));
            return s;
        }).setHeader("Status").setAutoWidth(true);
        grid.addColumn(Campaign::engine).setHeader("Engine").setAutoWidth(true);
        grid.addColumn(Campaign::sources).setHeader("Sources").setAutoWidth(true);
        grid.addColumn(Campaign::perSource).setHeader("Per source").setAutoWidth(true);
        grid.addColumn(Campaign::written).setHeader("Written").setAutoWidth(true);
        grid.addColumn(Campaign::deduplicated).setHeader("Deduplicated").setAutoWidth(true);
        grid.addColumn(c -> JobCounts.of(c).done() + " / " + JobCounts.of(c).total()).setHeader("Jobs done").setAutoWidth(true);
        grid.addColumn(c -> JobCounts.of(c).failed()).setHeader("Jobs failed").setAutoWidth(true);
        grid.addColumn(c -> TIME.format(c.createdAt())).setHeader("Started").setAutoWidth(true);
        grid.setAllRowsVisible(true);
        add(new H2("Campaigns"), new Span("Start one from the Sources view: select sources, then “Start campaign…”."), grid);
    }

    private void render() {
        List<Campaign> latest = campaigns.list(200);
        if (!latest.equals(shown)) {
            shown = latest;
            grid.setItems(latest);
        }
    }

    @Override
    protected void onAttach(AttachEvent event) {
        var ui = event.getUI();
        shown = List.of();
        render();
        refresh = REFRESH.scheduleWithFixedDelay(() -> ui.access(this::render), 3, 3, TimeUnit.SECONDS);
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (refresh != null) {
            refresh.cancel(false);
        }
    }
}
