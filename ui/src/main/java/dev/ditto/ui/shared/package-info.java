/** Small components shared by the dashboard's views: a video element and ECharts plots from the webjar. */
@NullMarked
package dev.ditto.ui.shared;

import org.jspecify.annotations.NullMarked;
