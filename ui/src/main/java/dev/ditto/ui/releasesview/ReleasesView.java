package dev.ditto.ui.releasesview;

import static dev.ditto.ui.releasesview.Formats.id;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.spring.security.AuthenticationContext;
import dev.ditto.campaigns.CampaignService;
import dev.ditto.releases.Release;
import dev.ditto.releases.ReleaseService;
import jakarta.annotation.security.PermitAll;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Dataset releases, newest first: name, version, state, samples, counts by category and when each was built; a row
 * opens the release's page. Admins build new releases here. Refreshes live.
 */
@Route("releases")
@PageTitle("Releases · Ditto")
@Menu(title = "Releases", order = 4, icon = "vaadin:package")
@PermitAll
public class ReleasesView extends VerticalLayout {
    static final ScheduledExecutorService REFRESH = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "releases-refresh");
        t.setDaemon(true);
        return t;
    });
    static final int LIMIT = 500;

    private final ReleaseService releases;
    private final Grid<Release> grid = id(new Grid<>(), "release-grid");
    private final Span empty = id(new Span("No release yet."), "release-empty");
    private List<Release> shown = List.of();
    private @Nullable ScheduledFuture<?> refresh;

    public ReleasesView(ReleaseService releases, CampaignService campaigns, AuthenticationContext auth) {
        this.releases = releases;
        setWidthFull();
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addComponentColumn(r -> {
            RouterLink link = new RouterLink(r.name(), ReleaseView.class, new RouteParameters("id", String.valueOf(r.id())));
            link.getElement().setAttribute("data-testid", "release-link");
            link.getElement().setAttribute("data-release-id", String.valueOf(r.id()));
            return link;
        }).setHeader("Release").setAutoWidth(true).setFlexGrow(1);
        grid.addColumn(Release::version).setHeader("Version").setAutoWidth(true);
        grid.addComponentColumn(r -> {
            Span s = id(new Span(r.state().name()), "release-state");
            s.getElement().getThemeList().add("badge " + Formats.badge(r.state()));
            return s;
        }).setHeader("State").setAutoWidth(true);
        grid.addColumn(Release::sampleCount).setHeader("Samples").setAutoWidth(true);
        grid.addColumn(r -> Formats.counts(r.counts())).setHeader("By category").setFlexGrow(2);
        grid.addColumn(r -> r.previousVersion() == null ? "–" : "+" + r.diff().added() + " −" + r.diff().removed()
                + " ~" + r.diff().changed() + " vs " + r.previousVersion()).setHeader("Diff").setAutoWidth(true);
        grid.addColumn(r -> r.builtAt() == null ? "–" : Formats.TIME.format(r.builtAt())).setHeader("Built at").setAutoWidth(true);
        grid.setAllRowsVisible(true);
        grid.addItemDoubleClickListener(e -> e.getSource().getUI().ifPresent(ui -> ui.navigate(ReleaseView.class,
                new RouteParameters("id", String.valueOf(e.getItem().id())))));
        empty.getStyle().set("color", "var(--lumo-secondary-text-color)");

        HorizontalLayout header = new HorizontalLayout(new H2("Releases"));
        header.setWidthFull();
        header.setAlignItems(FlexComponent.Alignment.BASELINE);
        if (auth.hasRole("ADMIN")) {
            Button create = id(new Button("New release", VaadinIcon.PLUS.create()), "release-new");
            create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            create.addClickListener(e -> new NewReleaseDialog(releases, releases.list(LIMIT, 0), campaigns.list(500),
                    built -> getUI().ifPresent(ui -> ui.navigate(ReleaseView.class,
                            new RouteParameters("id", String.valueOf(built.id()))))).open());
            header.add(create);
            header.expand(header.getComponentAt(0));
        }
        add(header, new Span("A release is a versioned, immutable snapshot of accepted samples, laid out like Ditto-1M; "
                + "open one to see its diff, dataset card and to publish it."), empty, grid);
    }

    private void render() {
        List<Release> latest = releases.list(LIMIT, 0);
        if (!latest.equals(shown)) {
            shown = latest;
            grid.setItems(latest);
            empty.setVisible(latest.isEmpty());
        }
    }

    @Override
    protected void onAttach(AttachEvent event) {
        var ui = event.getUI();
        shown = List.of();
        render();
        empty.setVisible(shown.isEmpty());
        refresh = REFRESH.scheduleWithFixedDelay(() -> ui.access(this::render), 3, 3, TimeUnit.SECONDS);
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (refresh != null) {
            refresh.cancel(false);
        }
    }
}
