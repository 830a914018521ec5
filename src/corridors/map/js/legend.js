(function (parent) {
    var ctl = L.control({position: "bottomleft"});
    ctl.onAdd = function () {
        var div = L.DomUtil.create("div", "corridors-legend");
        div.style.cssText = "background:rgba(255,255,255,.92);padding:4px 7px;font:11px/1.3 sans-serif;"
            + "border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);max-height:70vh;overflow:auto";
        div.innerHTML = {{ this.html|tojson }};
        var fold = div.querySelector("details");
        if (fold && L.Browser.mobile) { fold.open = false; }  // a phone's map is too small to cover
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
    };
    if (parent instanceof L.Map) { ctl.addTo(parent); return; }
    parent.on("add", function () { ctl.addTo(parent._map); });
    parent.on("remove", function () { ctl.remove(); });
})({{ this._parent.get_name() }});
