(function (map, o) {
    var css = document.createElement("style");
    // the look of the controls and labels (css/chrome.css, css/labels.css; the focus ring in style.py's colour),
    // and which labels each zoom hides (basemap.SEAT_ZOOMS)
    css.textContent = ".leaflet-container{--corridors-focus:" + o.focus + "}" + o.css
        + o.seatZooms.map(function (z) {
            return ".corridors-z-lt" + z[1] + " ." + z[0] + "{display:none}"; }).join("");
    document.head.appendChild(css);
    var box = map.getContainer();
    function zoomClasses() {
        o.seatZooms.forEach(function (z) {
            L.DomUtil[map.getZoom() < z[1] ? "addClass" : "removeClass"](box, "corridors-z-lt" + z[1]);
        });
    }
    function declutter() {
        // no layout (the frame hidden or not yet shown while the page reruns): every box would read
        // empty and every label would be shown; the size observer places them when layout returns
        if (!box.getClientRects().length || !box.offsetWidth) { return; }
        // nor while the map zooms or pans: the boxes read would be those of a moment in the motion;
        // its end places them
        if (moving) { return; }
        var kept = [];
        var labels = Array.prototype.slice.call(box.querySelectorAll(".corridors-label"));
        function rank(el) {
            for (var i = 0; i < o.priority.length; i++) {
                if (el.classList.contains(o.priority[i])) { return i; } }
            return o.priority.length;
        }
        labels.sort(function (a, b) { return rank(a) - rank(b); });
        labels.forEach(function (el) {
            el.style.visibility = "";
            if (sizes) { sizes.observe(el.firstElementChild || el); }
            var r = (el.firstElementChild || el).getBoundingClientRect();
            if (!r.width) { return; }
            var hit = kept.some(function (k) {
                return r.left < k.right && r.right > k.left && r.top < k.bottom && r.bottom > k.top; });
            if (hit) { el.style.visibility = "hidden"; } else { kept.push(r); }
        });
        // what a test (or anyone) can wait on: how many times labels were placed, at which zoom,
        // and whether another placing is due
        placed += 1;
        box.setAttribute("data-corridors-placed", placed + "@" + map.getZoom());
        box.setAttribute("data-corridors-pending", "0");
    }
    var pending, placed = 0, moving = false, lang = "zh", buttons = {}, note = null;
    // a label whose size changes after it was placed (its font arriving late on a busy machine, a
    // zoom class showing it, its text) is placed again: its old box no longer says what it covers
    var sizes = window.ResizeObserver ? new ResizeObserver(function () { later(); }) : null;
    if (sizes) { sizes.observe(box); }
    function later() {
        clearTimeout(pending);
        box.setAttribute("data-corridors-pending", "1");
        pending = setTimeout(declutter, 60);
    }
    window.corridorsLanguage = function (to) {
        if (!o.text[to]) { return; }
        lang = to;
        Object.keys(buttons).forEach(function (k) {
            buttons[k].title = o.text[lang][k]; buttons[k].setAttribute("aria-label", o.text[lang][k]); });
        if (note) { note.textContent = o.text[lang][noteKey]; }
        var changed = false;
        box.querySelectorAll(".corridors-label span[data-zh]").forEach(function (s) {
            var text = s.getAttribute("data-" + lang);
            if (s.textContent !== text) { s.textContent = text; changed = true; }
        });
        if (changed) { later(); }
    };
    // a zoom shows or hides a class of labels: place them at once, or they overlap until the next run
    map.on("zoomstart movestart", function () { moving = true; box.setAttribute("data-corridors-pending", "1"); });
    map.on("zoomend", function () { moving = false; zoomClasses(); declutter(); });
    map.on("moveend", function () { moving = false; later(); });
    map.on("layeradd", later);
    // a label moved by a CSS transition (the zoom animation's) is placed again once it stops moving
    box.addEventListener("transitionend", later);
    box.addEventListener("transitioncancel", later);
    zoomClasses(); later();
    var bar = L.control({position: "topleft"});
    bar.onAdd = function () {
        var div = L.DomUtil.create("div", "leaflet-bar");
        function button(icon, key, act) {
            var a = L.DomUtil.create("a", "corridors-btn", div);
            a.href = "#"; a.innerHTML = '<svg width="16" height="16" viewBox="0 0 16 16" '
                + 'style="vertical-align:middle" fill="none" stroke="#222" stroke-width="1.8">' + icon + "</svg>";
            a.title = o.text[lang][key]; a.setAttribute("role", "button");
            a.setAttribute("aria-label", o.text[lang][key]);
            buttons[key] = a;
            L.DomEvent.on(a, "click", function (e) { L.DomEvent.stop(e); act(a); });
            return a;
        }
        button('<path d="M1 5V1h4M11 1h4v4M15 11v4h-4M5 15H1v-4"/>', "fullscreen", function () {
            var root = document.documentElement;
            if (document.fullscreenElement) { document.exitFullscreen(); }
            else if (root.requestFullscreen) { root.requestFullscreen().catch(function () {}); }
        });
        button('<path d="M2 8l6-6 6 6M4 6.5V14h8V6.5"/>', "reset", function () { map.setView(o.center, o.zoom); });
        button('<circle cx="8" cy="8" r="5"/><circle cx="8" cy="8" r="1.5" fill="#222"/>', "zoomTo", function () {
            if (window.corridorsSelection) { map.fitBounds(window.corridorsSelection, {padding: [30, 30]}); }
        });
        L.DomEvent.disableClickPropagation(div);
        return div;
    };
    bar.addTo(map);
    document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
    if (L.Browser.mobile) {
        map.dragging.disable();
        box.addEventListener("touchstart", function (e) {
            if (e.touches.length > 1) { map.dragging.enable(); } }, {passive: true});
        box.addEventListener("touchend", function (e) {
            if (e.touches.length < 2) { map.dragging.disable(); } }, {passive: true});
    }
    var noteKey = null;
    function showNote(key) {
        if (noteKey === "baseFailed") { return; }  // the more serious note stays
        noteKey = key;
        if (note) { note.textContent = o.text[lang][key]; return; }
        var ctl = L.control({position: "bottomleft"});
        ctl.onAdd = function () {
            note = L.DomUtil.create("div", "corridors-note"); note.textContent = o.text[lang][noteKey];
            note.setAttribute("role", "alert");
            return note; };
        ctl.addTo(map);
    }
    map.eachLayer(function (layer) {
        if (layer.getTileUrl) { layer.on("tileerror", function () { showNote("tilesFailed"); }); }
    });
    map.on("corridors:basefailed", function () { showNote("baseFailed"); });
    // st_folium reports every change 250 ms late (one debounce for pans and clicks alike): a click on a
    // line is reported at once, as st_folium would report it, so the debounced report finds nothing new.
    // A click on a line (LineBase counts them) is reported even when it is the line clicked last, with
    // the count as "click", so that clicking it again reopens its closed details.
{% include "st_folium.js" %}
    var clicks = 0;
    function report() {
        setTimeout(function () {
            var st = stFolium(map);
            if (!st) { return; }
            var fresh = (window.corridorsLineClicks || 0) !== clicks;
            clicks = window.corridorsLineClicks || 0;
            if (fresh || st.changed) { st.send(fresh ? Object.assign({click: clicks}, st.data) : st.data); }
        }, 0);
    }
    map.on("click", report);
    window.corridorsReport = report;
    // Leaflet focuses the map on the first mouse press (for its arrow keys) and the browser then scrolls
    // a map that is partly out of view into it, under the pointer: the click landed elsewhere. Focus
    // without scrolling.
    if (map.keyboard && map.keyboard.enabled()) {
        map.keyboard.disable();
        map.keyboard._onMouseDown = function () {
            if (!this._focused) { this._map._container.focus({preventScroll: true}); }
        };
        map.keyboard.enable();
    }
})({{ this._parent.get_name() }}, {{ this.options }});
