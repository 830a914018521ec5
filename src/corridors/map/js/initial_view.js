(function (parent) {
    parent.on("add", function () {
        if (window.corridorsViewSet) { return; }
        window.corridorsViewSet = true;
        parent._map.setView({{ this.center }}, {{ this.zoom }}, {animate: false});
    });
})({{ this._parent.get_name() }});
