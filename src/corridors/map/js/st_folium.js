// The one place this map relies on streamlit-folium's frontend (streamlit-folium 0.27.4, pinned in pyproject.toml):
// its page state `window.__GLOBAL_DATA__` (type GlobalData: returned_objects, previous_data, wrap_longitude and
// last_object_clicked_tooltip, which its onLayerClick sets), `window.Streamlit` (streamlit-component-lib, which it
// exposes) and what its updateComponentValue sends (the returned_objects' keys of its data, when they differ from
// previous_data, 250 ms after the last event); all defined in its streamlit_folium/frontend/src/index.tsx (and
// found in 0.27.4's built frontend/build/static/js/main.*.js). None of it is a public interface: a new
// streamlit-folium is checked here first (tests/test_browser.py clicks lines and reopens their details).
//
// stFolium(map): what st_folium's report would send now ({data, changed}, and send(value), which sends value and
// records data as sent); null outside st_folium, or when its report holds more than the tooltip, zoom and centre
// (then st_folium reports alone).
function stFolium(map) {
    var g = window.__GLOBAL_DATA__, S = window.Streamlit, keys = ["last_object_clicked_tooltip", "zoom", "center"];
    if (!g || !S || !g.returned_objects || g.wrap_longitude
        || g.returned_objects.some(function (k) { return keys.indexOf(k) < 0; })) { return null; }
    var all = {last_object_clicked_tooltip: g.last_object_clicked_tooltip, zoom: map.getZoom(),
               center: map.getCenter()}, data = {};
    keys.forEach(function (k) { if (g.returned_objects.indexOf(k) >= 0) { data[k] = all[k]; } });
    return {data: data, changed: JSON.stringify(data) !== JSON.stringify(g.previous_data),
            send: function (value) { g.previous_data = data; S.setComponentValue(value); }};
}
