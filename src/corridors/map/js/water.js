L.geoJSON({{ this.data }}, {interactive: false, pane: {{ this.pane|tojson }}, style: function (f) {
    return f.properties.lake ? {color: {{ this.water.line|tojson }}, weight: {{ this.water.weight }},
                                opacity: {{ this.water.opacity }}, fillColor: {{ this.water.fill|tojson }},
                                fillOpacity: {{ this.water.fill_opacity }}}
                             : {color: {{ this.water.line|tojson }}, weight: {{ this.water.weight }},
                                opacity: {{ this.water.opacity }}};
}}).addTo({{ this._parent.get_name() }});
if ({{ this._parent.get_name() }}.attributionControl) {
    {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.attribution|tojson }});
}
