(function (items, target) {
    items.forEach(function (it) {
        L.marker(it.c, {interactive: false, keyboard: false,
            icon: L.divIcon({className: "corridors-label " + it.z, iconSize: null, html: it.h})}).addTo(target);
    });
})({{ this.items }}, {{ this._parent.get_name() }});
