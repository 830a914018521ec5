var {{ this.get_name() }} = L.control({position: "topleft"});
{{ this.get_name() }}.onAdd = function () {
    var div = L.DomUtil.create("div", "corridors-title");
    div.style.cssText = "background:rgba(255,255,255,.94);padding:6px 10px;font:12px/1.4 sans-serif;"
        + "max-width:360px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3)";
    div.innerHTML = {{ this.html|tojson }};
    return div;
};
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
