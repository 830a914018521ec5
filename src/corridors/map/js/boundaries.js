L.geoJSON({{ this.data }}, {interactive: false, pane: {{ this.pane|tojson }}, style: function (f) {
    var p = f.properties;
    if (p.pref) {
        return {fillColor: {{ this.fill.hunan|tojson }}, color: {{ this.borders.prefecture.color|tojson }},
                weight: {{ this.borders.prefecture.weight }}, fillOpacity: {{ this.opacity }}};
    }
    return {fillColor: p.m ? {{ this.fill.member|tojson }} : {{ this.fill.other|tojson }},
            color: {{ this.borders.province.color|tojson }}, weight: {{ this.borders.province.weight }}, fillOpacity: {{ this.opacity }}};
}}).addTo({{ this._parent.get_name() }});
