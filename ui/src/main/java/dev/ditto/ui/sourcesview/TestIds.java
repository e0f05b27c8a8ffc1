package dev.ditto.ui.sourcesview;

import com.vaadin.flow.component.Component;

/** Sets the {@code data-testid} attribute the browser tests find elements by. */
final class TestIds {
    private TestIds() {}

    static <C extends Component> C id(C component, String testId) {
        component.getElement().setAttribute("data-testid", testId);
        return component;
    }
}
