(function (map) {
    map.createPane({{ this.pane|tojson }}).style.zIndex = 350;
    fetch({{ this.url|tojson }}).then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
    }).then(function (d) {
        {{ this.inner }}
    }).catch(function (e) { map.fire("corridors:basefailed", {error: String(e)}); });
})({{ this._parent.get_name() }});
