if ({{ this._parent.get_name() }}.attributionControl) {
    {{ this._parent.get_name() }}.attributionControl.setPrefix({{ this.prefix|tojson }});
}
